"""No timing tells whether an address has an account: forgot password, registering a taken address and
moving an account to a taken address each write one mail on both paths, committed before the answer and
sent only after it. (The probe: a known address took 10–21 ms to answer /password/forgot, an unknown one
3.6–3.9 ms, because the known path sent its mail inside the request. bench/account_timing.py measures.)"""
import asyncio
import http.client
import threading
import time
from urllib.parse import urlencode, urlsplit

import pytest
from sqlalchemy import select

from app.mail.hooks import FALLBACK_SECONDS
from app.mail.models import OutboxMessage
from tests.conftest import SMTPServer


def outbox(db):
    db.session.expire_all()
    return db.session.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars().all()


def forgot(auth, email):
    return auth.client.post("/password/forgot", data={"email": email}, buffered=False)


def register(auth, email):
    return auth.client.post("/register", buffered=False, data={
        "name": "Sam", "email": email, "password": auth.PASSWORD, "confirm": auth.PASSWORD})


def change_email(auth, email):
    auth.login("owner@example.com")
    return auth.client.post("/account/email", buffered=False,
                            data={"email": email, "current_password": auth.PASSWORD})


FLOWS = {
    "forgot, known address": (forgot, "taken@example.com"),
    "forgot, unknown address": (forgot, "free@example.com"),
    "register, taken address": (register, "taken@example.com"),
    "register, new address": (register, "free@example.com"),
    "change email, taken address": (change_email, "taken@example.com"),
    "change email, free address": (change_email, "free@example.com"),
}


@pytest.mark.parametrize("flow", FLOWS)
def test_one_mail_committed_before_the_answer_and_sent_after_it(auth, db, smtp_server, flow):
    auth.create_user(email="owner@example.com")
    auth.create_user(email="taken@example.com")
    post, email = FLOWS[flow]
    response = post(auth, email)  # unbuffered: the server has answered but not yet closed the response
    assert response.status_code == 303
    [row] = outbox(db)
    assert row.recipient == email and row.status == "pending" and row.attempts == 0
    assert smtp_server.messages == []

    response.close()  # what the server does once the answer is sent
    [message] = smtp_server.wait_for(1)
    assert message["To"] == email and message["Message-ID"] == row.message_id
    assert [row.status for row in outbox(db)] == ["sent"]


def test_mail_still_goes_when_the_server_never_closes_the_response(auth, db, smtp_server):
    """werkzeug's development server skips close() when the client resets the connection; a timer then
    sends the mail a moment later (app.mail.hooks.FALLBACK_SECONDS)."""
    auth.create_user(email="taken@example.com")
    response = forgot(auth, "taken@example.com")
    assert response.status_code == 303 and smtp_server.messages == []
    [message] = smtp_server.wait_for(1, timeout=FALLBACK_SECONDS + 8)  # never closed
    assert message["To"] == "taken@example.com"
    response.close()  # late: nothing is sent twice
    deadline = time.monotonic() + 5  # the server has the message; the row is marked sent just after
    while [row.status for row in outbox(db)] != ["sent"] and time.monotonic() < deadline:
        time.sleep(0.02)
    assert len(smtp_server.messages) == 1 and [row.status for row in outbox(db)] == ["sent"]


class StalledSMTPServer(SMTPServer):
    """Holds every message at DATA until `release()`: a slow mail server."""

    def __init__(self):
        super().__init__()
        self.gate = threading.Event()

    def release(self):
        self.gate.set()

    async def handle_DATA(self, server, session, envelope):
        await asyncio.get_running_loop().run_in_executor(None, self.gate.wait, 30)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def stalled_smtp():
    server = StalledSMTPServer().start()
    yield server
    server.release()
    server.stop()


class TestOverRealHTTP:
    @pytest.fixture
    def app_config(self, stalled_smtp):
        return dict(stalled_smtp.config, MAIL_TIMEOUT=5)

    def test_a_stalled_mail_server_never_holds_up_the_answer(self, live_server, auth, stalled_smtp):
        """The answer arrives while the mail server still holds the message. Sent inside the request, the
        answer would wait for the SMTP timeout and the mail would fail."""
        auth.create_user(email="taken@example.com")
        address = urlsplit(live_server.url)
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
        connection.request("POST", "/password/forgot", body=urlencode({"email": "taken@example.com"}),
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
        response = connection.getresponse()
        response.read()
        assert response.status == 303 and stalled_smtp.messages == []

        stalled_smtp.release()
        [message] = stalled_smtp.wait_for(1)
        assert message["To"] == "taken@example.com" and "Reset your password" in message["Subject"]
        connection.close()
