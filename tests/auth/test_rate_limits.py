"""Rate limits (Flask-Limiter, memory storage): login, register, reset, re-verify; per account and per
client address. The limited request gets a clear 429 page, or a fragment retargeted to #alerts."""
import pytest


@pytest.fixture
def app_config(smtp_server):
    return {**smtp_server.config, "RATELIMIT_ENABLED": True}


def test_sixth_failed_login_within_a_minute_is_429(client, auth):
    auth.create_user()
    for _ in range(5):
        assert auth.login(password="wrong password").status_code == 422
    response = auth.login(password="wrong password")
    assert response.status_code == 429
    assert "Too many requests" in response.get_data(as_text=True)
    # The right password is limited too: the account is cooling down.
    assert auth.login().status_code == 429


def test_per_address_limit_covers_many_accounts(client, auth):
    for n in range(5):
        assert auth.login(f"guess{n}@example.com", "wrong password").status_code == 422
    assert auth.login("guess9@example.com", "wrong password").status_code == 429


def test_per_account_limit_covers_many_addresses(app, auth):
    auth.create_user()
    for n in range(5):
        client = app.test_client()
        response = client.post("/login", data={"email": "shopper@example.com", "password": "nope nope"},
                               environ_base={"REMOTE_ADDR": f"127.0.1.{n}"})
        assert response.status_code == 422
    client = app.test_client()
    response = client.post("/login", data={"email": "shopper@example.com", "password": "nope nope"},
                           environ_base={"REMOTE_ADDR": "127.0.1.99"})
    assert response.status_code == 429


def test_successful_logins_do_not_count(client, auth):
    auth.create_user()
    for _ in range(6):
        assert auth.login().status_code == 303
        auth.logout()


def test_429_as_fragment(client, hx):
    for _ in range(5):
        client.post("/login", data={"email": "a@example.com", "password": "wrong password"}, headers=hx)
    response = client.post("/login", data={"email": "a@example.com", "password": "wrong password"}, headers=hx)
    body = response.get_data(as_text=True)
    assert response.status_code == 429 and response.headers["HX-Retarget"] == "#alerts"
    assert "<html" not in body and "Too many requests" in body


def test_reset_requests_are_limited(client, smtp_server):
    for _ in range(5):
        assert client.post("/password/forgot", data={"email": "someone@example.com"}).status_code == 303
    assert client.post("/password/forgot", data={"email": "someone@example.com"}).status_code == 429


def test_registrations_are_limited(client, auth):
    for n in range(10):
        assert auth.register(email=f"new{n}@example.com").status_code == 303
    assert auth.register(email="one-more@example.com").status_code == 429


def test_reverify_requests_are_limited(client, auth, smtp_server):
    auth.create_user(verified=False)
    auth.login()
    for _ in range(3):
        assert client.post("/verify/resend").status_code == 303
    assert client.post("/verify/resend").status_code == 429
    assert len(smtp_server.messages) == 3
