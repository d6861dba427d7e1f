"""Verification and reset links: expired, reused, tampered, for another user or another purpose are
refused with a clear page (400), and nothing changes."""
from datetime import timedelta

import pytest

from app.auth import tokens
from app.auth.models import User
from app.auth.passwords import verify_password
from app.database import utcnow


@pytest.fixture
def sam(auth, app):
    user_id = auth.create_user(email="sam@example.com", verified=False)
    with app.app_context():
        return user_id


def token_for(app, kind, user_id, now=None, **extra):
    with app.test_request_context():
        from app.extensions import db

        return tokens.make_token(kind, db.session.get(User, user_id), now=now, **extra)


def refused(response, words):
    body = response.get_data(as_text=True)
    assert response.status_code == 400, body
    assert 'id="token-error"' in body and words in body


def reload(db, user_id):
    db.session.expire_all()
    return db.session.get(User, user_id)


def test_expired_verification_link(client, app, db, sam):
    token = token_for(app, tokens.VERIFY_EMAIL, sam, now=utcnow() - timedelta(hours=24, minutes=1))
    refused(client.get(f"/verify/{token}"), "expired")
    assert not reload(db, sam).is_verified
    fresh = token_for(app, tokens.VERIFY_EMAIL, sam, now=utcnow() - timedelta(hours=23))
    assert client.get(f"/verify/{fresh}").status_code == 303


def test_expired_reset_link(client, app, db, sam):
    token = token_for(app, tokens.RESET_PASSWORD, sam, now=utcnow() - timedelta(minutes=61))
    refused(client.get(f"/password/reset/{token}"), "expired")
    refused(client.post(f"/password/reset/{token}", data={"password": "a brand new one", "confirm": "a brand new one"}),
            "expired")


def test_reused_links(client, app, db, sam):
    verify = token_for(app, tokens.VERIFY_EMAIL, sam)
    assert client.get(f"/verify/{verify}").status_code == 303
    refused(client.get(f"/verify/{verify}"), "already been used")

    reset = token_for(app, tokens.RESET_PASSWORD, sam)
    new = {"password": "a brand new one", "confirm": "a brand new one"}
    assert client.post(f"/password/reset/{reset}", data=new).status_code == 303
    refused(client.get(f"/password/reset/{reset}"), "already been used")
    other = {"password": "yet another one", "confirm": "yet another one"}
    refused(client.post(f"/password/reset/{reset}", data=other), "already been used")
    assert verify_password(reload(db, sam).password_hash, "a brand new one")


def test_tampered_links(client, app, sam):
    token = token_for(app, tokens.VERIFY_EMAIL, sam)
    payload, _, signature = token.partition(".")
    tampered = payload[:-2] + ("AA" if payload[-2:] != "AA" else "BB") + "." + signature
    refused(client.get(f"/verify/{tampered}"), "not valid")
    refused(client.get(f"/verify/{token[:-3]}"), "not valid")
    refused(client.get("/password/reset/garbage"), "not valid")


def test_link_of_another_purpose(client, app, db, sam):
    reset = token_for(app, tokens.RESET_PASSWORD, sam)
    refused(client.get(f"/verify/{reset}"), "not valid")
    assert not reload(db, sam).is_verified


def test_link_for_another_user(client, app, auth, db, sam):
    """Signed in as someone else, another account's link is refused (it was mailed to somebody else)."""
    auth.create_user(email="other@example.com")
    auth.login("other@example.com")
    verify = token_for(app, tokens.VERIFY_EMAIL, sam)
    refused(client.get(f"/verify/{verify}"), "another account")
    reset = token_for(app, tokens.RESET_PASSWORD, sam)
    refused(client.get(f"/password/reset/{reset}"), "another account")
    assert not reload(db, sam).is_verified


def test_reset_link_dies_when_password_changes(client, app, auth, db, sam):
    reset = token_for(app, tokens.RESET_PASSWORD, sam)
    auth.login("sam@example.com")
    response = client.post("/account/password", data={
        "current_password": auth.PASSWORD, "password": "changed in between", "confirm": "changed in between"})
    assert response.status_code == 303
    auth.logout()
    refused(client.get(f"/password/reset/{reset}"), "already been used")
