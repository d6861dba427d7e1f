"""Deliver the outbox rows a request committed, once its response has been sent.

SQLAlchemy session events note the new OutboxMessage ids of a transaction (after_flush) and keep them
only if it commits (after_commit; after_rollback forgets them). The ids committed during a request are
handed to its response, and delivered when the server closes the response (werkzeug's call_on_close),
that is after the shopper has the whole answer. So the time to answer never depends on whether a mail
was written, nor on how fast the mail server is; the rows are committed before the answer leaves, so
nothing is lost if delivery never runs. Any delivery error is logged and swallowed: the rows stay
pending and `flask mail deliver` retries them.

A server may fail to close a response: werkzeug's development server (`make run`, the live test
server) skips close() when the client resets the connection after reading the answer. So a timer
delivers the same messages FALLBACK_SECONDS later if the close has not come by then; whichever comes
first sends them, the other does nothing (and the outbox claim would stop a second send anyway).
"""
import logging
import threading

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.extensions import db
from app.mail.models import OutboxMessage
from app.mail.services import deliver_messages

log = logging.getLogger(__name__)
PENDING_KEY = "outbox_ids_in_transaction"
COMMITTED_KEY = "outbox_ids_committed"


def _note_new_messages(session, _flush_context):
    # after_flush still lists the flushed objects in session.new, and their ids are assigned by now.
    ids = [obj.id for obj in session.new if isinstance(obj, OutboxMessage)]
    if ids:
        pending = session.info.setdefault(PENDING_KEY, [])
        pending.extend(i for i in ids if i is not None and i not in pending)


def _keep_committed(session):
    ids = session.info.pop(PENDING_KEY, [])
    if ids:
        committed = session.info.setdefault(COMMITTED_KEY, [])
        committed.extend(i for i in ids if i not in committed)


def _forget_rolled_back(session):
    session.info.pop(PENDING_KEY, None)


def install_session_events():
    if getattr(install_session_events, "done", False):
        return
    install_session_events.done = True
    event.listen(Session, "after_flush", _note_new_messages)
    event.listen(Session, "after_commit", _keep_committed)
    event.listen(Session, "after_soft_rollback", lambda session, _tx: _forget_rolled_back(session))


FALLBACK_SECONDS = 2.0


class AfterResponse:
    """One request's committed messages, delivered once: at the response's close, or by the timer."""

    def __init__(self, app, ids):
        self.app, self.ids = app, ids
        self._lock = threading.Lock()
        self._started = False
        self.timer = threading.Timer(FALLBACK_SECONDS, self.deliver)
        self.timer.daemon = True

    def deliver(self):
        with self._lock:
            if self._started:
                return
            self._started = True
        self.timer.cancel()
        deliver_after_response(self.app, self.ids)


def deliver_committed_messages(response):
    """after_request: the response delivers this request's committed messages once it has been sent."""
    ids = db.session.info.pop(COMMITTED_KEY, [])
    if ids:
        job = AfterResponse(current_app._get_current_object(), ids)
        response.call_on_close(job.deliver)
        job.timer.start()
    return response


def deliver_after_response(app, ids):
    """Runs after the request's context is gone, so it has an app context (and a session) of its own."""
    with app.app_context():
        try:
            deliver_messages(ids)
        except Exception:  # the rows stay pending; `flask mail deliver` picks them up
            log.exception("delivery after the response failed; the outbox keeps the messages")
            db.session.rollback()


def register_mail_delivery(app):
    install_session_events()
    app.after_request(deliver_committed_messages)
