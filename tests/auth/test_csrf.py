"""The account forms with CSRF protection on, as in production."""
import pytest


@pytest.fixture
def app_config(smtp_server):
    return {**smtp_server.config, "WTF_CSRF_ENABLED": True}


def test_login_without_token_is_refused(client, auth):
    auth.create_user()
    response = client.post("/login", data={"email": "shopper@example.com", "password": auth.PASSWORD})
    assert response.status_code == 400 and "Session expired" in response.get_data(as_text=True)


def test_register_login_logout_with_tokens(client, auth, smtp_server):
    assert auth.register().status_code == 303
    assert len(smtp_server.messages) == 1
    assert auth.login().status_code == 303
    assert auth.logout().status_code == 303


def test_logout_without_token_is_refused(client, auth):
    auth.create_user()
    auth.login()
    assert client.post("/logout").status_code == 400
    assert 'action="/logout"' in client.get("/").get_data(as_text=True)
