"""Logging in and out: generic failures, fresh sessions, "remember me", safe redirects, session end."""
import re

import pytest
from sqlalchemy import select

from app.auth.models import User
from app.auth.passwords import hash_password


def logged_in(client):
    return 'action="/logout"' in client.get("/").get_data(as_text=True)


def test_login_and_logout(client, auth):
    auth.create_user()
    response = auth.login()
    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert logged_in(client)
    response = auth.logout()
    assert response.status_code == 303
    assert not logged_in(client)


def test_login_page_full_and_fragment(client, hx):
    page = client.get("/login").get_data(as_text=True)
    assert "<html" in page and 'id="login-form"' in page
    response = client.post("/login", data={"email": "x@example.com", "password": "wrong one"}, headers=hx)
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and "<html" not in body and 'id="login-form"' in body


def test_htmx_login_redirects_with_header(client, auth, hx):
    auth.create_user()
    response = client.post("/login", data={"email": "shopper@example.com", "password": auth.PASSWORD}, headers=hx)
    assert response.status_code == 204 and response.headers["HX-Redirect"] == "/"


def comparable(response, email):
    body = response.get_data(as_text=True).replace(email, "EMAIL")
    return re.sub(r'("X-CSRFToken": "|name="csrf_token" type="hidden" value=")[^"]+', r"\1TOKEN", body)


def test_failures_are_indistinguishable(client, auth):
    auth.create_user()
    unknown = auth.login("nobody@example.com", "whatever password")
    wrong = auth.login("shopper@example.com", "not the password")
    assert unknown.status_code == wrong.status_code == 422
    # The same page, but for the email typed into the form (and the per-request CSRF token's signature).
    assert comparable(unknown, "nobody@example.com") == comparable(wrong, "shopper@example.com")
    assert "Email or password is not right." in wrong.get_data(as_text=True)


def test_email_is_normalised_at_login(client, auth):
    auth.create_user()
    assert auth.login("  SHOPPER@example.com ").status_code == 303


@pytest.mark.parametrize("target, expected", [
    ("/account", "/account"),
    ("/search?q=tea", "/search?q=tea"),
    ("https://evil.example/", "/"),
    ("//evil.example/x", "/"),
    ("/\\evil.example", "/"),
    ("javascript:alert(1)", "/"),
    ("", "/"),
])
def test_next_only_to_this_site(client, auth, target, expected):
    auth.create_user()
    response = auth.login(next=target)
    assert response.headers["Location"] == expected


def test_login_required_page_sends_next(client, auth):
    response = client.get("/account")
    from urllib.parse import parse_qs, urlsplit

    location = urlsplit(response.headers["Location"])
    assert response.status_code == 302 and location.path == "/login"
    assert parse_qs(location.query)["next"] == ["/account"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'value="/account"' in page


def test_new_session_on_login(client, auth):
    auth.create_user()
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    auth.login()
    with client.session_transaction() as session:
        assert "planted" not in session


def cookie(client, name):
    found = client.get_cookie(name)
    return found.value if found else None


def test_copied_cookie_dies_with_logout(app, client, auth):
    auth.create_user()
    auth.login(remember=True)
    stolen_session, stolen_remember = cookie(client, "session"), cookie(client, "remember_token")
    assert stolen_session and stolen_remember
    auth.logout()

    thief = app.test_client()
    thief.set_cookie("session", stolen_session)
    assert not logged_in(thief)
    thief = app.test_client()
    thief.set_cookie("remember_token", stolen_remember)
    assert not logged_in(thief)


def test_logout_deletes_the_remember_cookie(client, auth):
    """The probe: logout left the (dead) remember_token cookie in the browser."""
    auth.create_user()
    auth.login(remember=True)
    assert cookie(client, "remember_token")
    response = auth.logout()
    [deletion] = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token=")]
    assert "Max-Age=0" in deletion and "Path=/" in deletion
    assert cookie(client, "remember_token") is None


def test_logout_ends_other_sessions(app, client, auth):
    auth.create_user()
    other_device = app.test_client()
    other = type(auth)(app, other_device)
    other.login()
    auth.login()
    auth.logout()
    assert not logged_in(other_device)


def test_copied_cookie_dies_with_password_change(app, client, auth):
    auth.create_user()
    auth.login(remember=True)
    stolen, stolen_remember = cookie(client, "session"), cookie(client, "remember_token")
    response = client.post("/account/password", data={
        "current_password": auth.PASSWORD, "password": "a whole new secret", "confirm": "a whole new secret"})
    assert response.status_code == 303
    assert logged_in(client)  # this session carries on
    for name, value in (("session", stolen), ("remember_token", stolen_remember)):
        thief = app.test_client()
        thief.set_cookie(name, value)
        assert not logged_in(thief)
    # This browser's "remember me" carries on too, with a new cookie.
    remembered = app.test_client()
    remembered.set_cookie("remember_token", cookie(client, "remember_token"))
    assert cookie(client, "remember_token") != stolen_remember and logged_in(remembered)


def test_remember_me_survives_the_browser_session(app, client, auth):
    auth.create_user()
    auth.login(remember=True)
    remember = cookie(client, "remember_token")
    fresh = app.test_client()
    fresh.set_cookie("remember_token", remember)
    assert logged_in(fresh)


def test_cookie_flags(client, auth):
    auth.create_user()
    response = auth.login(remember=True)
    cookies = response.headers.getlist("Set-Cookie")
    for name in ("session=", "remember_token="):
        header = next(c for c in cookies if c.startswith(name))
        assert "HttpOnly" in header and "SameSite=Lax" in header and "Secure" not in header


@pytest.fixture
def https_config(smtp_server):
    return {**smtp_server.config, "SECURE_COOKIES": True}


def test_secure_cookies_over_https(migrated, tmp_path, https_config):
    from app import create_app
    from tests.conftest import AuthActions, make_test_config

    app = create_app(make_test_config(migrated, tmp_path / "idx", **https_config))
    client = app.test_client()
    actions = AuthActions(app, client)
    try:
        actions.create_user()
        response = client.post("/login", base_url="https://localhost", data={
            "email": "shopper@example.com", "password": actions.PASSWORD, "remember": "y"})
        cookies = response.headers.getlist("Set-Cookie")
        for name in ("__Host-session=", "__Host-remember_token="):
            header = next(c for c in cookies if c.startswith(name))
            assert "Secure" in header and "HttpOnly" in header and "Path=/" in header and "Domain" not in header
        # Browsers ignore a Set-Cookie for a __Host- cookie without Secure, deletions included.
        response = client.post("/logout", base_url="https://localhost")
        [deletion] = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("__Host-remember_token=")]
        assert "Max-Age=0" in deletion and "Secure" in deletion and "Path=/" in deletion
    finally:
        from tests.conftest import _empty_all_tables

        _empty_all_tables(app)


def test_weak_hash_is_upgraded_at_login(client, auth, db):
    user_id = auth.create_user()
    user = db.session.get(User, user_id)
    user.password_hash = hash_password(auth.PASSWORD, method="scrypt:16384:8:1")
    db.session.commit()
    assert auth.login().status_code == 303
    db.session.expire_all()
    assert db.session.get(User, user_id).password_hash.startswith("scrypt:131072:8:1$")


def test_cli_admin_logs_in_and_reaches_admin_page(client, runner, auth, db):
    result = runner.invoke(args=["users", "create-admin", "boss@example.com", "--password", "boss password 1"])
    assert result.exit_code == 0, result.output
    assert auth.login("boss@example.com", "boss password 1").status_code == 303
    assert client.get("/admin/mail").status_code == 200
    assert db.session.execute(select(User)).scalar_one().is_admin


def test_admin_required(client, auth):
    response = client.get("/admin/mail")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    auth.create_user()
    auth.login()
    response = client.get("/admin/mail")
    assert response.status_code == 403 and "You do not have access" in response.get_data(as_text=True)


def test_cli_refuses_common_password(runner, db):
    result = runner.invoke(args=["users", "create-admin", "boss@example.com", "--password", "password123"])
    assert result.exit_code != 0 and "most common" in result.output
