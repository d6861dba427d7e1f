"""Recording analytics events. Callers pass everything explicitly; the event commits with the caller's
transaction unless commit=True."""
from app.analytics.models import Event
from app.extensions import db


def record_event(kind, data=None, user_id=None, commit=False):
    event = Event(kind=kind, data=dict(data or {}), user_id=user_id)
    db.session.add(event)
    if commit:
        db.session.commit()
    return event
