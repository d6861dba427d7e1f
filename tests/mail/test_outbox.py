"""The outbox: written in the caller's transaction, delivered after commit and by `flask mail deliver`,
retried with backoff and a stable Message-ID, given up after MAIL_MAX_ATTEMPTS."""
import logging
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.database import utcnow
from app.extensions import db as _db
from app.mail.models import OutboxMessage
from app.mail.services import backoff_after, deliver_due, queue_email
from tests.conftest import mail_link


def rows(db):
    db.session.expire_all()
    return db.session.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars().all()


@pytest.fixture
def app_config(smtp_server):
    return dict(smtp_server.config)


def queue(app, recipient="a@example.com"):
    with app.test_request_context():
        message = queue_email(recipient, "Hello", "verify_email", user=None, link="http://localhost/verify/x")
        _db.session.commit()
        return message.id


def test_queued_in_the_callers_transaction(app, db):
    with app.test_request_context():
        queue_email("a@example.com", "Hello", "verify_email", user=None, link="http://x/verify/1")
        _db.session.rollback()
    assert rows(db) == []
    queue(app)
    [row] = rows(db)
    assert row.status == "pending" and row.message_id.startswith("<") and row.message_id.endswith("@localhost>")
    assert "http://localhost/verify/x" in row.body_text and "<a href=" in row.body_html


def test_smtp_down_then_back_delivers_each_message_once(client, auth, runner, smtp_server, db):
    smtp_server.stop()
    for n in range(3):
        response = auth.register(email=f"shopper{n}@example.com")
        assert response.status_code == 303  # SMTP trouble never fails the request
    pending = rows(db)
    assert [row.status for row in pending] == ["pending"] * 3
    assert all(row.attempts == 1 and "Connection" in row.last_error for row in pending)

    smtp_server.start()
    # Not due yet: the backoff holds them back.
    assert "sent 0, not sent 0" in runner.invoke(args=["mail", "deliver"]).output
    for row in pending:
        row.next_attempt_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    result = runner.invoke(args=["mail", "deliver"])
    assert result.exit_code == 0 and "sent 3, not sent 0" in result.output
    assert "sent 0, not sent 0" in runner.invoke(args=["mail", "deliver"]).output  # nothing twice

    assert sorted(m["To"] for m in smtp_server.messages) == [f"shopper{n}@example.com" for n in range(3)]
    assert {m["Message-ID"] for m in smtp_server.messages} == {row.message_id for row in rows(db)}
    assert [row.status for row in rows(db)] == ["sent"] * 3


def test_retry_keeps_the_message_id(app, db, smtp_server):
    message_id = queue(app)
    smtp_server.stop()
    with app.app_context():
        assert deliver_due() == (0, 1)
    smtp_server.start()
    with app.app_context():
        assert deliver_due(now=utcnow() + timedelta(minutes=2)) == (1, 0)
    [row] = rows(db)
    assert row.id == message_id and row.attempts == 2 and row.status == "sent"
    [received] = smtp_server.messages
    assert received["Message-ID"] == row.message_id


def test_backoff_schedule():
    assert [backoff_after(n) for n in (1, 2, 3, 4, 5, 9)] == [
        timedelta(minutes=m) for m in (1, 5, 15, 60, 180, 180)]


def test_gives_up_after_max_attempts_and_admins_see_it(app, client, auth, db, smtp_server):
    queue(app, "lost@example.com")
    smtp_server.stop()
    now = utcnow()
    with app.app_context():
        for attempt in range(3):
            deliver_due(now=now, max_attempts=3)
            now += timedelta(hours=4)
    [row] = rows(db)
    assert row.status == "failed" and row.attempts == 3
    with app.app_context():
        assert deliver_due(now=now + timedelta(days=1)) == (0, 0)  # failed rows are left alone

    auth.create_user(email="boss@example.com", admin=True)
    auth.login("boss@example.com")
    page = client.get("/admin/mail").get_data(as_text=True)
    assert f'id="outbox-{row.id}"' in page and "lost@example.com" in page and "Failed: 1" in page

    smtp_server.start()
    assert client.post(f"/admin/mail/{row.id}/retry").status_code == 303
    with app.app_context():
        assert deliver_due() == (1, 0)
    assert [m["To"] for m in smtp_server.messages] == ["lost@example.com"]


def test_no_duplicate_when_another_worker_holds_the_row(app, db, smtp_server):
    """A row claimed by one deliverer (lease pushed forward) is skipped by a concurrent one."""
    from app.mail.services import _claim

    queue(app)
    with app.app_context():
        assert _claim(rows(db)[0].id, utcnow()) is not None
        assert deliver_due() == (0, 0)
    assert smtp_server.messages == []


@pytest.mark.parametrize("app_config", [{}])
def test_without_mail_server_messages_become_eml_files(client, auth, app, caplog, tmp_path):
    caplog.set_level(logging.WARNING, logger="app.mail.transport")
    assert auth.register(email="dev@example.com").status_code == 303
    [eml] = list((tmp_path / "mail").glob("*.eml"))
    content = eml.read_text()
    assert "To: dev@example.com" in content and "Message-ID: <" in content
    [record] = [r for r in caplog.records if "dev@example.com" in r.getMessage()]
    assert "/verify/" in record.getMessage() and "confirm your email" in record.getMessage()


def test_verification_link_from_eml_file_works(client, auth, app, tmp_path, db):
    """What someone trying `make run` does: open the .eml under instance/mail/, follow the link."""
    import email
    from email import policy

    app.config.update(MAIL_SERVER=None)
    auth.register(email="dev@example.com")
    [eml] = list((tmp_path / "mail").glob("*.eml"))
    link = mail_link(email.message_from_bytes(eml.read_bytes(), policy=policy.default))
    assert client.get(link).status_code == 303
