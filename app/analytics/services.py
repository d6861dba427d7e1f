"""Recording analytics events. Callers pass everything explicitly.

`record_event` writes with the caller's transaction (or commits at once with commit=True).
`queue_event` is for events that come with page views, such as searches: writing one row and
committing on every search cost the results page about as much as rendering it, so queued events are
written together, one INSERT of up to ANALYTICS_BATCH rows per transaction, as soon as that many have
come or the oldest has waited ANALYTICS_FLUSH_SECONDS, and when the process exits. A process that is
killed outright loses at most that batch: acceptable for counting searches, never used for anything
that must not be lost (orders and mail have their own tables and outbox).

When forwarding to an external analytics service is on (ANALYTICS_FORWARD_URL), each forwarded kind
also gets a row in analytics_forward_queue in the same transaction as the event itself; it is sent
after the request by app.analytics.forward.
"""
import atexit
import logging
import threading
import time

from flask import current_app
from sqlalchemy import insert

from app.analytics.forward import wake_sender
from app.analytics.models import Event, ForwardedEvent
from app.database import utcnow
from app.extensions import db

log = logging.getLogger(__name__)


# What the dashboard counts and an external service receives. Event data never holds personal data
# beyond what the order already has: no address, no email, no IP; a visitor is a hashed random id.
FORWARDED_KINDS = ("product_view", "search", "add_to_cart", "checkout_started", "order_paid", "refund")


def forwarding_on(app=None):
    return bool((app or current_app).config.get("ANALYTICS_FORWARD_URL"))


def record_event(kind, data=None, user_id=None, commit=False):
    """Add an event to the caller's transaction (order paid, refund: it exists exactly when the change
    does), with its forwarding row when forwarding is on."""
    now = utcnow()
    event = Event(kind=kind, data=dict(data or {}), user_id=user_id, created_at=now)
    db.session.add(event)
    if kind in FORWARDED_KINDS and forwarding_on():
        db.session.add(ForwardedEvent(kind=kind, data=dict(data or {}), occurred_at=now, next_attempt_at=now,
                                      status="pending", attempts=0, last_error=""))
        db.session.info["analytics_forward"] = True  # app.analytics.forward wakes its sender after the request
    if commit:
        db.session.commit()
    return event


class EventQueue:
    """Events waiting to be written, per process (a gunicorn worker)."""

    def __init__(self):
        self._rows = []
        self._oldest = None
        self._lock = threading.Lock()
        self._app = None

    def add(self, app, row):
        with self._lock:
            if self._app is None:
                self._app = app
                atexit.register(self.flush_at_exit)
            self._rows.append(row)
            self._oldest = self._oldest or time.monotonic()
            due = (len(self._rows) >= app.config["ANALYTICS_BATCH"]
                   or time.monotonic() - self._oldest >= app.config["ANALYTICS_FLUSH_SECONDS"])
        if due:
            self.flush()

    def flush(self):
        """Write every queued event in one transaction (in the current app context). Never raises."""
        with self._lock:
            rows, self._rows, self._oldest = self._rows, [], None
        if not rows:
            return
        forwarded = [{"kind": row["kind"], "data": row["data"], "occurred_at": row["created_at"],
                      "next_attempt_at": row["created_at"], "status": "pending", "attempts": 0, "last_error": ""}
                     for row in rows if row["kind"] in FORWARDED_KINDS] if forwarding_on() else []
        try:
            db.session.execute(insert(Event), rows)
            if forwarded:
                db.session.execute(insert(ForwardedEvent), forwarded)
            db.session.commit()
        except Exception:
            db.session.rollback()
            log.exception("could not write %d analytics events", len(rows))
            return
        if forwarded:
            try:
                wake_sender(current_app._get_current_object())
            except RuntimeError:  # no new thread at interpreter exit: `flask analytics forward` sends them
                log.warning("analytics forwarding not started; the queue keeps %d events", len(forwarded))

    def flush_at_exit(self):
        if self._rows and self._app is not None:
            with self._app.app_context():
                self.flush()


_queue = EventQueue()


def queue_event(kind, data=None, user_id=None):
    """Record an event soon, together with others (see the module's docstring). Never raises: a page
    is never broken by counting it."""
    try:
        app = current_app._get_current_object()
        _queue.add(app, {"kind": kind, "data": dict(data or {}), "user_id": user_id, "created_at": utcnow()})
    except Exception:  # noqa: BLE001
        log.exception("could not queue a %s analytics event", kind)


def flush_events():
    """Write the queued events now (tests, and anything that reads events it has just caused)."""
    _queue.flush()
