"""Recording analytics events. Callers pass everything explicitly.

`record_event` writes with the caller's transaction (or commits at once with commit=True).
`queue_event` is for events that come with page views, such as searches: writing one row and
committing on every search cost the results page about as much as rendering it, so queued events are
written together, one INSERT of up to ANALYTICS_BATCH rows per transaction, as soon as that many have
come or the oldest has waited ANALYTICS_FLUSH_SECONDS, and when the process exits. A process that is
killed outright loses at most that batch: acceptable for counting searches, never used for anything
that must not be lost (orders and mail have their own tables and outbox).
"""
import atexit
import logging
import threading
import time

from flask import current_app
from sqlalchemy import insert

from app.analytics.models import Event
from app.database import utcnow
from app.extensions import db

log = logging.getLogger(__name__)


def record_event(kind, data=None, user_id=None, commit=False):
    event = Event(kind=kind, data=dict(data or {}), user_id=user_id)
    db.session.add(event)
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
        try:
            db.session.execute(insert(Event), rows)
            db.session.commit()
        except Exception:
            db.session.rollback()
            log.exception("could not write %d analytics events", len(rows))

    def flush_at_exit(self):
        if self._rows and self._app is not None:
            with self._app.app_context():
                self.flush()


_queue = EventQueue()


def queue_event(kind, data=None, user_id=None):
    """Record an event soon, together with others (see the module's docstring)."""
    app = current_app._get_current_object()
    _queue.add(app, {"kind": kind, "data": dict(data or {}), "user_id": user_id, "created_at": utcnow()})


def flush_events():
    """Write the queued events now (tests, and anything that reads events it has just caused)."""
    _queue.flush()
