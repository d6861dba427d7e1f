"""Rate limits (Flask-Limiter, memory storage): login, register, reset, re-verify; per account and per
client address. The limited request gets a clear 429 page, or a fragment retargeted to #alerts."""
import pytest
from limits import parse_many


@pytest.fixture
def app_config(smtp_server):
    return {**smtp_server.config, "RATELIMIT_ENABLED": True}


STRANGER, OWNER = "203.0.113.9", "198.51.100.7"


def login_from(app, address, password, email="shopper@example.com"):
    client = app.test_client()
    return client.post("/login", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": address})


def test_sixth_failed_login_within_a_minute_is_429(client, auth):
    auth.create_user()
    for _ in range(5):
        assert auth.login(password="wrong password").status_code == 422
    response = auth.login(password="wrong password")
    assert response.status_code == 429
    assert "Too many requests" in response.get_data(as_text=True)
    # From the address that failed, the right password is limited too: that pair is cooling down.
    assert auth.login().status_code == 429


def test_a_stranger_cannot_lock_the_owner_out(app, auth):
    """The probe: six failed logins from anywhere locked the account for everyone, its owner included."""
    auth.create_user()
    for _ in range(5):
        assert login_from(app, STRANGER, "wrong password").status_code == 422
    assert login_from(app, STRANGER, "wrong password").status_code == 429
    assert login_from(app, STRANGER, auth.PASSWORD).status_code == 429  # the stranger stays stopped
    assert login_from(app, OWNER, auth.PASSWORD).status_code == 303  # the owner, elsewhere, is not


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True, "RATELIMIT_LOGIN_ACCOUNT": "8 per hour"}])
def test_per_account_limit_stops_guessing_from_many_addresses(app, auth):
    auth.create_user()
    for n in range(8):
        assert login_from(app, f"127.0.1.{n}", "nope nope").status_code == 422
    assert login_from(app, "127.0.1.99", "nope nope").status_code == 429
    assert login_from(app, OWNER, auth.PASSWORD).status_code == 429  # the loose limit holds for everyone


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True, "RATELIMIT_LOGIN_ADDRESS": "6 per minute"}])
def test_per_address_limit_covers_many_accounts(app, auth):
    auth.create_user()
    for n in range(6):
        assert login_from(app, STRANGER, "wrong password", email=f"guess{n}@example.com").status_code == 422
    assert login_from(app, STRANGER, "wrong password", email="guess9@example.com").status_code == 429
    assert login_from(app, OWNER, auth.PASSWORD).status_code == 303


def test_by_default_one_address_never_reaches_the_account_limit(app):
    def per_hour(setting):
        return min(item.amount * 3600 / item.get_expiry() for item in parse_many(app.config[setting]))

    assert per_hour("RATELIMIT_LOGIN") < per_hour("RATELIMIT_LOGIN_ACCOUNT")


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
