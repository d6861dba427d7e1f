"""Registration, the verification mail over real SMTP, and the unverified banner."""
from sqlalchemy import select

from app.auth.models import User
from app.mail.models import OutboxMessage
from tests.conftest import mail_link, mail_text


def users(db):
    return db.session.execute(select(User)).scalars().all()


def test_register_mails_a_link_that_verifies(client, auth, smtp_server, db):
    response = auth.register(email="  Sam@Example.COM ")
    assert response.status_code == 303 and response.headers["Location"].endswith("/register/check-email")
    [user] = users(db)
    assert user.email == "sam@example.com" and not user.is_verified
    assert user.password_hash.startswith("scrypt:131072:8:1$")
    [message] = smtp_server.messages
    assert message["To"] == "sam@example.com" and "confirm" in message["Subject"].lower()
    assert message.get_body(preferencelist=("html",)) is not None  # HTML and plain-text parts
    link = mail_link(message)
    assert "/verify/" in link

    auth.login("sam@example.com")
    page = client.get("/").get_data(as_text=True)
    assert 'id="verify-banner"' in page

    response = client.get(link)
    assert response.status_code == 303
    db.session.expire_all()
    assert users(db)[0].is_verified
    page = client.get("/").get_data(as_text=True)
    assert 'id="verify-banner"' not in page and "your email address is confirmed" in page


def test_check_email_page(client):
    page = client.get("/register/check-email").get_data(as_text=True)
    assert "Check your email" in page


def test_register_page_and_header_links(client, auth):
    page = client.get("/register").get_data(as_text=True)
    assert 'name="confirm"' in page and 'href="/register"' in page
    auth.create_user()
    auth.login()
    page = client.get("/").get_data(as_text=True)
    assert 'href="/account"' in page and 'href="/register"' not in page


def test_existing_email_answers_exactly_like_a_new_one(client, auth, smtp_server, db):
    auth.create_user(email="taken@example.com", password="an old password 1")
    first = auth.register(email="new@example.com")
    second = auth.register(email="TAKEN@example.com ")
    for response in (first, second):
        assert response.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert first.get_data() == second.get_data()
    assert "Set-Cookie" not in first.headers and "Set-Cookie" not in second.headers
    assert len(users(db)) == 2  # no second account for the taken address
    [notice] = smtp_server.to("taken@example.com")
    assert "tried to register" in notice["Subject"] and "/verify/" not in mail_text(notice)


def test_password_rules(client, auth, db):
    cases = {
        "short": "Password must be at least 8 characters long.",
        "password123": "one of the most common passwords",
        "x" * 1025: "at most 1024",
    }
    for password, message in cases.items():
        response = auth.register(password=password)
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
    response = auth.register(password="correct horse battery", confirm="something else")
    assert response.status_code == 422 and "The passwords do not match." in response.get_data(as_text=True)
    assert users(db) == []
    # 128 characters and no composition rules: a long lowercase passphrase is fine.
    assert auth.register(password="a long passphrase of only lowercase words " * 3).status_code == 303


def test_register_as_htmx_fragment(client, hx):
    response = client.post("/register", data={"name": "A", "email": "a@example.com", "password": "short",
                                               "confirm": "short"}, headers=hx)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith("{#") is False and 'id="register-form"' in body and "<html" not in body
    assert "HX-Request" in response.headers["Vary"]
    response = client.post("/register", data={"name": "A", "email": "a@example.com",
                                               "password": "correct horse battery",
                                               "confirm": "correct horse battery"}, headers=hx)
    assert response.status_code == 204 and response.headers["HX-Redirect"] == "/register/check-email"


def test_password_strength_feedback(client, hx):
    response = client.post("/register/password-strength", data={"password": "password1"}, headers=hx)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and body.strip().startswith('<div id="password-feedback"')
    assert "most common passwords" in body
    strong = client.post("/register/password-strength", data={"password": "tangerine orbit velvet"},
                         headers=hx).get_data(as_text=True)
    assert "strong" in strong and "most common" not in strong
    page = client.post("/register/password-strength", data={"password": "password1"}).get_data(as_text=True)
    assert "<html" in page and 'id="register-form"' in page and "most common passwords" in page


def test_resend_verification(client, auth, smtp_server, hx, db):
    auth.create_user(verified=False)
    auth.login()
    response = client.post("/verify/resend", data={"next": "/account"})
    assert response.status_code == 303 and response.headers["Location"] == "/account"
    response = client.post("/verify/resend", headers=hx)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="verify-banner"' in body and "<html" not in body
    assert "sent a new confirmation link" in body
    assert len(smtp_server.messages) == 2
    assert all("/verify/" in mail_link(m) for m in smtp_server.messages)
    # The outbox row was delivered at once, after the request's commit.
    assert {m.status for m in db.session.execute(select(OutboxMessage)).scalars()} == {"sent"}


def test_resend_needs_login(client):
    response = client.post("/verify/resend")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
