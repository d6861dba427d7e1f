"""Forgot password: the same answer for every address; the mailed link resets once, then logs in."""
from tests.conftest import mail_link, mail_text


def test_forgot_reset_and_log_in(client, auth, smtp_server):
    auth.create_user()
    auth.login(remember=True)
    other_device = client.application.test_client()
    type(auth)(client.application, other_device).login()

    response = client.post("/password/forgot", data={"email": " Shopper@Example.com"})
    assert response.status_code == 303 and response.headers["Location"] == "/password/forgot/sent"
    [message] = smtp_server.messages
    link = mail_link(message)
    assert "/password/reset/" in link and message["To"] == "shopper@example.com"

    assert 'name="confirm"' in client.get(link).get_data(as_text=True)
    response = client.post(link, data={"password": "my fresh password", "confirm": "my fresh password"})
    assert response.status_code == 303 and response.headers["Location"] == "/login"
    assert client.get_cookie("remember_token") is None  # this browser is logged out, cookie and all
    assert 'action="/logout"' not in other_device.get("/").get_data(as_text=True)  # every session ended
    assert "password was changed" in smtp_server.messages[-1]["Subject"]

    assert auth.login(password=auth.PASSWORD).status_code == 422
    assert auth.login(password="my fresh password").status_code == 303


def test_unknown_and_known_addresses_get_the_same_answer(client, auth, smtp_server):
    auth.create_user()
    known = client.post("/password/forgot", data={"email": "shopper@example.com"})
    unknown = client.post("/password/forgot", data={"email": "Nobody@Example.com"})
    assert known.status_code == unknown.status_code == 303
    assert known.headers["Location"] == unknown.headers["Location"]
    assert known.get_data() == unknown.get_data()
    # Each address gets one mail: the link, or a note that there is no account (the same work either way).
    [reset] = smtp_server.to("shopper@example.com")
    [note] = smtp_server.to("nobody@example.com")
    assert "/password/reset/" in mail_text(reset)
    assert "There is no account with this address" in mail_text(note) and "/password/reset/" not in mail_text(note)
    assert "/register" in mail_text(note)
    page = client.get("/password/forgot/sent").get_data(as_text=True)
    assert "We have emailed that address" in page


def test_reset_refuses_a_weak_password(client, auth, smtp_server):
    auth.create_user()
    client.post("/password/forgot", data={"email": "shopper@example.com"})
    link = mail_link(smtp_server.messages[0])
    response = client.post(link, data={"password": "qwertyuiop", "confirm": "qwertyuiop"})
    assert response.status_code == 422 and "most common" in response.get_data(as_text=True)
    assert auth.login().status_code == 303  # unchanged


def test_forgot_form_errors(client):
    assert client.get("/password/forgot").status_code == 200
    response = client.post("/password/forgot", data={"email": "not an email"})
    assert response.status_code == 422
