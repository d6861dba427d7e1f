"""Deliver, right after commit, the outbox rows written in the committed transaction.

SQLAlchemy session events note the new OutboxMessage ids of a transaction (after_flush) and keep them
only if it commits (after_commit; after_rollback forgets them). After the request, the ids committed
during it are delivered. Any delivery error is logged and swallowed: the rows stay pending and
`flask mail deliver` retries them, so SMTP trouble never fails the request that caused the mail.
"""
import logging

from sqlalchemy import event
from sqlalchemy.orm import Session

from app.extensions import db
from app.mail.models import OutboxMessage

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


def deliver_committed_messages(response):
    from app.mail.services import deliver_messages

    ids = db.session.info.pop(COMMITTED_KEY, [])
    if ids:
        try:
            deliver_messages(ids)
        except Exception:  # the rows stay pending; `flask mail deliver` picks them up
            log.exception("delivery after commit failed; the outbox keeps the messages")
            db.session.rollback()
    return response


def register_mail_delivery(app):
    install_session_events()
    app.after_request(deliver_committed_messages)
