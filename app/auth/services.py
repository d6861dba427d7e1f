"""Account operations. Explicit arguments, own transactions, domain errors; no request or current_user."""
from sqlalchemy import select

from app.auth.models import User
from app.auth.passwords import hash_password
from app.database import utcnow
from app.extensions import db


class AccountError(Exception):
    """Base for account errors; the message is safe to show."""


class EmailTaken(AccountError):
    pass


def normalise_email(email):
    return (email or "").strip().lower()


def load_user_from_session_id(session_id):
    """Flask-Login's user loader. The id is "<user id>:<session token>"; a rotated token (logout
    everywhere, password change) no longer matches, so old cookies stop working."""
    user_id, _, token = (session_id or "").partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_token != token:
        return None
    return user


def find_user_by_email(email):
    return db.session.execute(select(User).where(User.email == normalise_email(email))).scalar_one_or_none()


def create_admin(email, password, name="Admin"):
    """Create an admin, or promote (and re-password) the existing account with that email."""
    email = normalise_email(email)
    user = find_user_by_email(email)
    if user is None:
        user = User(email=email, name=name, password_hash=hash_password(password))
        db.session.add(user)
    else:
        user.password_hash = hash_password(password)
    user.is_admin = True
    user.email_verified_at = user.email_verified_at or utcnow()
    db.session.commit()
    return user
