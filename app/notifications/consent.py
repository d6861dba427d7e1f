"""Consent: members' choices and guests' per-order SMS opt-in, each change recorded with its time.

Queue-time and send-time checks both read the current choice here (app.notifications.gates asks again for
every message just before it leaves), so a withdrawal stops what is already queued.
"""
from sqlalchemy import select

from app.database import utcnow
from app.extensions import db
from app.notifications.models import EMAIL, NEWS, ORDER_UPDATES, SMS, ConsentEvent, ContactPreference, OrderSmsConsent


class ConsentError(ValueError):
    pass


def preferences_for(user_id):
    """The member's row, or an unsaved one with everything off."""
    found = db.session.get(ContactPreference, user_id)
    return found or ContactPreference(user_id=user_id, mobile_phone="", sms_order_updates=False, email_news=False)


def update_preferences(user_id, *, mobile_phone, sms_order_updates, email_news, source="profile", now=None):
    """Save a member's number (already E.164, or "") and choices; a consent event for each choice that
    changed. Commits. ConsentError when SMS is asked for without a number."""
    if sms_order_updates and not mobile_phone:
        raise ConsentError("Add a mobile number to get order updates by SMS.")
    now = now or utcnow()
    prefs = db.session.get(ContactPreference, user_id)
    if prefs is None:
        prefs = ContactPreference(user_id=user_id, mobile_phone="", sms_order_updates=False, email_news=False)
        db.session.add(prefs)
    if prefs.sms_order_updates != sms_order_updates or (sms_order_updates and prefs.mobile_phone != mobile_phone):
        # A new number is a new consent: the old one was given for another phone.
        _record(user_id=user_id, channel=SMS, purpose=ORDER_UPDATES, granted=sms_order_updates, source=source, at=now)
    if prefs.email_news != email_news:
        _record(user_id=user_id, channel=EMAIL, purpose=NEWS, granted=email_news, source=source, at=now)
    prefs.mobile_phone, prefs.sms_order_updates, prefs.email_news = mobile_phone, sms_order_updates, email_news
    prefs.updated_at = now
    db.session.commit()
    return prefs


def stop_news(user_id, *, source, now=None):
    """Unsubscribe from promotional email (no-op when already off). Commits; True if it changed."""
    prefs = db.session.get(ContactPreference, user_id)
    if prefs is None or not prefs.email_news:
        return False
    now = now or utcnow()
    prefs.email_news, prefs.updated_at = False, now
    _record(user_id=user_id, channel=EMAIL, purpose=NEWS, granted=False, source=source, at=now)
    db.session.commit()
    return True


def grant_order_sms(order_id, phone, *, source="checkout", now=None):
    """A shopper asked for this order's updates by SMS to `phone` (E.164). Commits; repeating it with the
    same number changes nothing."""
    now = now or utcnow()
    consent = db.session.get(OrderSmsConsent, order_id)
    if consent is not None and consent.granted and consent.phone == phone:
        return consent
    if consent is None:
        consent = OrderSmsConsent(order_id=order_id)
        db.session.add(consent)
    consent.phone, consent.granted, consent.updated_at = phone, True, now
    _record(order_id=order_id, channel=SMS, purpose=ORDER_UPDATES, granted=True, source=source, at=now)
    db.session.commit()
    return consent


def withdraw_order_sms(order_id, *, source, now=None):
    """No more SMS for this order (a STOP reply, a support request). Commits."""
    consent = db.session.get(OrderSmsConsent, order_id)
    if consent is None or not consent.granted:
        return False
    now = now or utcnow()
    consent.granted, consent.updated_at = False, now
    _record(order_id=order_id, channel=SMS, purpose=ORDER_UPDATES, granted=False, source=source, at=now)
    db.session.commit()
    return True


def order_sms_number(order_id, user_id):
    """Where this order's SMS updates may go now: the number given at checkout for it, else the member's
    number if they chose order updates by SMS; None when nobody has opted in."""
    consent = db.session.get(OrderSmsConsent, order_id) if order_id is not None else None
    if consent is not None:
        return consent.phone if consent.granted else None
    return member_sms_number(user_id)


def member_sms_number(user_id):
    if user_id is None:
        return None
    prefs = db.session.get(ContactPreference, user_id)
    if prefs is None or not prefs.sms_order_updates or not prefs.mobile_phone:
        return None
    return prefs.mobile_phone


def wants_news(user_id):
    """Opted in to news by email, from an address the member has proved is theirs, on an active account:
    anyone can type someone else's address into a registration, so an unverified one gets no promotions."""
    from app.auth.models import User  # auth imports notifications' hooks; read the user only when asked

    prefs = db.session.get(ContactPreference, user_id) if user_id is not None else None
    user = db.session.get(User, user_id) if prefs is not None and prefs.email_news else None
    return bool(user and user.email_verified_at is not None and user.is_active)


def consent_history(*, user_id=None, order_id=None):
    column, value = (ConsentEvent.user_id, user_id) if user_id is not None else (ConsentEvent.order_id, order_id)
    return db.session.execute(select(ConsentEvent).where(column == value)
                              .order_by(ConsentEvent.at, ConsentEvent.id)).scalars().all()


def _record(**fields):
    db.session.add(ConsentEvent(**fields))
