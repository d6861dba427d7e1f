"""The outbox: queue a message in the caller's transaction, deliver it after commit, retry until it goes.

Delivery is at-least-once. Each row keeps one Message-ID for its whole life, so a retry after an
ambiguous failure (the server took the message but the connection dropped before it said so) re-sends
the *same* message, which mail clients and servers de-duplicate. A row is claimed before it is sent
(its next_attempt_at is pushed past a short lease with a conditional UPDATE), so the after-request
delivery and a concurrent `flask mail deliver` never send the same row at the same time.

Backoff after the n-th failed attempt: 1, 5, 15, 60 minutes, then 3 hours between later tries; after
MAIL_MAX_ATTEMPTS failed attempts the row is marked failed (listed for admins at /admin/mail).

One outbox, several channels: each row names its channel ("email", "sms"); app.mail.channels maps a
channel to the function that sends it, and a purpose that needs consent to the check made just before
sending. A sender that raises PermanentFailure (the provider refused the message as it is) fails the row at
once; withdrawn consent marks it skipped. Either way it is never tried again.
"""
import logging
import uuid
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select, update

from app.database import commit_keeping_loaded, utcnow
from app.extensions import db
from app.mail.channels import PermanentFailure, consent_allows, sender_for
from app.mail.models import OutboxMessage

log = logging.getLogger(__name__)

BACKOFF_MINUTES = (1, 5, 15, 60, 180)
CLAIM_LEASE = timedelta(minutes=5)


def backoff_after(attempts):
    """How long to wait after the `attempts`-th failed try."""
    return timedelta(minutes=BACKOFF_MINUTES[min(attempts, len(BACKOFF_MINUTES)) - 1])


def new_message_id():
    sender = current_app.config.get("MAIL_DEFAULT_SENDER") or ""
    domain = sender.rpartition("@")[2].strip(" >") or "shop.invalid"
    return f"<{uuid.uuid4().hex}@{domain}>"


def queue_email(recipient, subject, template, **context):
    """Render templates/email/<template>.txt and .html and add the message to the caller's session.

    No commit: the message is written in the same transaction as the change that causes it, so it
    exists exactly when that change does. It is delivered after the commit (see app.mail.hooks)."""
    context.setdefault("subject", subject)
    return queue_message("email", recipient, subject, render_mail(f"email/{template}.txt", context),
                         body_html=render_mail(f"email/{template}.html", context))


def render_mail(name, context):
    """A message template, rendered from its own arguments and the shop's name only. Not through
    render_template: the pages' context processors would put the request's shopper (session, cart badge,
    CSRF token) in reach of a message meant for someone else, and cost the placing request a cart lookup."""
    return current_app.jinja_env.get_template(name).render(
        {"shop_name": current_app.config["SHOP_NAME"], **context})


def queue_message(channel, recipient, subject, body_text, *, body_html="", purpose="", user_id=None,
                  order_id=None, promotion_id=None, headers=None):
    """Add a message of any channel to the caller's session (no commit, like queue_email). `purpose`,
    with `user_id` / `order_id`, is what the send-time consent check looks at."""
    message = OutboxMessage(
        message_id=new_message_id(),
        channel=channel,
        recipient=recipient,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        purpose=purpose,
        user_id=user_id,
        order_id=order_id,
        promotion_id=promotion_id,
        headers=headers or {},
        status="pending",
        attempts=0,
        next_attempt_at=utcnow(),
        last_error="",
    )
    db.session.add(message)
    return message


def _claim(message_id, now):
    """Take the row for one delivery attempt and return it (read by the same UPDATE); None when another
    worker has it or it is not due."""
    message = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == "pending",
               OutboxMessage.next_attempt_at <= now)
        .values(next_attempt_at=now + CLAIM_LEASE)
        .returning(OutboxMessage)
        .execution_options(synchronize_session=False, populate_existing=True)
    ).scalar_one_or_none()
    commit_keeping_loaded(db.session())  # the row is ours for the lease: what RETURNING read is current
    return message


def _attempt(message_id, now, max_attempts):
    message = _claim(message_id, now)
    if message is None:
        return None
    if not consent_allows(message):
        # Consent was withdrawn after the message was queued: it must not go, now or later.
        message.status = "skipped"
        message.last_error = "consent withdrawn before sending"
        db.session.commit()
        log.info("%s %s to %s skipped: no consent for %s", message.channel, message.id, message.recipient,
                 message.purpose)
        return False
    try:
        sender_for(message.channel)(message)
    except Exception as error:  # any transport failure is retried later, never raised to the caller
        message.attempts += 1
        message.last_error = f"{type(error).__name__}: {error}"[:2000]
        if message.attempts >= max_attempts or isinstance(error, PermanentFailure):
            message.status = "failed"
            log.error("%s %s to %s failed for good after %d attempts: %s", message.channel, message.id,
                      message.recipient, message.attempts, message.last_error)
        else:
            message.next_attempt_at = now + backoff_after(message.attempts)
            log.warning("%s %s to %s not delivered (attempt %d), retry at %s: %s", message.channel,
                        message.id, message.recipient, message.attempts, message.next_attempt_at, message.last_error)
        db.session.commit()
        return False
    message.attempts += 1
    message.status = "sent"
    message.sent_at = now
    message.last_error = ""
    db.session.commit()
    return True


def deliver_messages(message_ids, now=None, max_attempts=None):
    """Try to deliver these rows now (those still pending and due). Returns how many were sent."""
    now = now or utcnow()
    max_attempts = max_attempts or current_app.config["MAIL_MAX_ATTEMPTS"]
    return sum(1 for message_id in message_ids if _attempt(message_id, now, max_attempts))


def deliver_due(now=None, limit=500, max_attempts=None):
    """The delivery loop: every pending row whose next attempt is due, oldest first.
    Returns (sent, not_sent)."""
    now = now or utcnow()
    due = db.session.execute(
        select(OutboxMessage.id)
        .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.id)
        .limit(limit)
    ).scalars().all()
    sent = deliver_messages(due, now=now, max_attempts=max_attempts)
    return sent, len(due) - sent


def failed_messages(limit=200):
    return db.session.execute(
        select(OutboxMessage).where(OutboxMessage.status == "failed").order_by(OutboxMessage.id.desc()).limit(limit)
    ).scalars().all()


def outbox_counts():
    """{status: number of messages} for the admin page."""
    return dict(db.session.execute(
        select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all())


def outbox_counts_by_channel():
    """{(channel, status): number of messages}, for `flask messages stats`."""
    rows = db.session.execute(select(OutboxMessage.channel, OutboxMessage.status, func.count())
                              .group_by(OutboxMessage.channel, OutboxMessage.status)).all()
    return {(channel, status): count for channel, status, count in rows}


def retry_failed(message_id, now=None):
    """An admin's "try again": back to pending with a fresh attempt budget."""
    message = db.session.get(OutboxMessage, message_id)
    if message is None or message.status != "failed":
        return False
    message.status = "pending"
    message.attempts = 0
    message.next_attempt_at = now or utcnow()
    db.session.commit()
    return True
