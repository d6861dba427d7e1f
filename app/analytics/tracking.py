"""Web glue for events that come with page views: the visitor's hashed session key and the signed-in
user, read from the request here so the services stay explicit.

A visitor is a random id kept in the (signed) session cookie and stored in events only as a salted
hash (16 hex characters): it counts "sessions" for the dashboard's funnel and says nothing about who
the visitor is. It starts again when the session does (at login and logout).
"""
import hashlib
import logging
import secrets

from flask import current_app, session
from flask_login import current_user

from app.analytics.services import queue_event

log = logging.getLogger(__name__)
VISITOR_KEY = "visitor"


def session_key():
    visitor = session.get(VISITOR_KEY)
    if not isinstance(visitor, str):
        visitor = session[VISITOR_KEY] = secrets.token_urlsafe(12)
    return hashlib.sha256(f"{current_app.secret_key}:visitor:{visitor}".encode()).hexdigest()[:16]


def track(kind, data=None):
    """Queue an event of this request with its session key (batched, app.analytics.services). Never
    raises: a failure to count is logged, the page goes on."""
    try:
        user_id = current_user.id if current_user.is_authenticated else None
        queue_event(kind, {**(data or {}), "session": session_key()}, user_id=user_id)
    except Exception:  # noqa: BLE001
        log.exception("could not record a %s event", kind)
