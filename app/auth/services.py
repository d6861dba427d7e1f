"""Account operations. Explicit arguments, own transactions, domain errors; no request or current_user.

Every mail goes through the outbox in the same transaction as the change that causes it.
"""
from sqlalchemy import select

from app.auth import tokens
from app.auth.models import User, new_session_token
from app.auth.password_policy import check_password
from app.auth.passwords import DUMMY_HASH, hash_password, needs_rehash, verify_password
from app.database import utcnow
from app.extensions import db
from app.mail.services import queue_email
from app.notifications.sms_messages import queue_password_changed_sms
from app.ops.links import external_url
from app.orders.services import attach_guest_orders


class AccountError(Exception):
    """Base for account errors; the message is safe to show."""


class InvalidCredentials(AccountError):
    def __init__(self, message="Email or password is not right."):
        super().__init__(message)


class WrongPassword(AccountError):
    def __init__(self, message="Your current password is not right."):
        super().__init__(message)


def normalise_email(email):
    return (email or "").strip().lower()


def load_user_from_session_id(session_id):
    """Flask-Login's user loader. The id is "<user id>:<session token>"; a rotated token (logout
    everywhere, password change) no longer matches, so old cookies stop working."""
    user_id, _, token = (session_id or "").partition(":")
    if not (user_id.isascii() and user_id.isdigit()) or not token:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_token != token or not user.is_active:
        return None
    return user


def find_user_by_email(email):
    return db.session.execute(select(User).where(User.email == normalise_email(email))).scalar_one_or_none()


# --- registration and verification ----------------------------------------------------------------

def register_account(name, email, password, now=None):
    """Create an unverified account and mail its verification link. An email that already has an
    account gets a notice instead, and the caller answers exactly as for a new account (no enumeration).
    Returns the new user, or None when the address was taken."""
    email = normalise_email(email)
    check_password(password, email=email, name=name)
    password_hash = hash_password(password)  # hashed on both paths: the same work, the same time
    existing = find_user_by_email(email)
    if existing is not None:
        queue_email(existing.email, "Someone tried to register with your email", "account_exists",
                    user=existing, login_url=external_url("auth.login"),
                    reset_url=external_url("auth.forgot_password"))
        db.session.commit()
        return None
    user = User(email=email, name=name.strip(), password_hash=password_hash)
    db.session.add(user)
    db.session.flush()  # the id goes into the token
    _queue_verification(user, now)
    db.session.commit()
    return user


def _queue_verification(user, now=None):
    token = tokens.make_token(tokens.VERIFY_EMAIL, user, now=now)
    queue_email(user.email, "Please confirm your email address", "verify_email",
                user=user, link=external_url("auth.verify_email", token=token))


def resend_verification(user, now=None):
    if user.is_verified:
        return False
    _queue_verification(user, now)
    db.session.commit()
    return True


def verify_email(token, now=None, signed_in_user_id=None):
    user = user_for_token(tokens.VERIFY_EMAIL, token, now=now, signed_in_user_id=signed_in_user_id)
    user.email_verified_at = now or utcnow()
    attach_guest_orders(user.id, user.email)  # orders placed as a guest with this address join the account
    db.session.commit()
    return user


def user_for_token(kind, token, now=None, signed_in_user_id=None):
    """The user a live token is for, or a TokenError. Someone signed in to another account cannot use
    it: the link was mailed to somebody else."""
    return _checked_token(kind, token, now, signed_in_user_id)[0]


def _checked_token(kind, token, now, signed_in_user_id):
    payload = tokens.read_token(kind, token, now=now)
    if signed_in_user_id is not None and signed_in_user_id != payload["uid"]:
        raise tokens.TokenInvalid("This link belongs to another account. Log out, then follow it again.")
    user = db.session.get(User, payload["uid"])
    tokens.check_state(kind, user, payload)
    return user, payload


# --- logging in and sessions ----------------------------------------------------------------------

def authenticate(email, password, now=None):
    """The user with this email and password, or InvalidCredentials (the same for both failures).
    A hash made with weaker parameters than today's is upgraded now that we know the password."""
    user = find_user_by_email(email)
    if user is None:
        verify_password(DUMMY_HASH, password)  # the same cost as a wrong password
        raise InvalidCredentials()
    if not verify_password(user.password_hash, password):
        raise InvalidCredentials()
    if not user.is_active:  # a deactivated account hears the same as a wrong password: no enumeration
        raise InvalidCredentials()
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = now or utcnow()
    db.session.commit()
    return user


def end_all_sessions(user):
    """Rotate the session token: every cookie (session or remember-me) issued before stops working."""
    user.session_token = new_session_token()
    db.session.commit()


# --- forgotten password -----------------------------------------------------------------------------

def request_password_reset(email, now=None):
    """Mail a reset link to the account with this email, or, when there is none, a note saying so.

    Both paths do the same work: one lookup, one message rendered and written to the outbox, one commit,
    delivery after the response. So neither the answer nor its timing (nor the time until the server
    is done with the connection) tells whether the address has an account. The caller answers the same."""
    email = normalise_email(email)
    user = find_user_by_email(email)
    if user is None:
        queue_email(email, "About your password reset request", "reset_no_account", email=email,
                    forgot_url=external_url("auth.forgot_password"), register_url=external_url("auth.register"))
    else:
        token = tokens.make_token(tokens.RESET_PASSWORD, user, now=now)
        queue_email(user.email, "Reset your password", "reset_password",
                    user=user, link=external_url("auth.reset_password", token=token))
    db.session.commit()
    return user


def reset_password(token, new_password, now=None, signed_in_user_id=None):
    user = user_for_token(tokens.RESET_PASSWORD, token, now=now, signed_in_user_id=signed_in_user_id)
    check_password(new_password, email=user.email, name=user.name)
    _set_password(user, new_password)
    # Following the link proved control of the mailbox.
    user.email_verified_at = user.email_verified_at or now or utcnow()
    db.session.commit()
    return user


def _set_password(user, new_password):
    user.password_hash = hash_password(new_password)
    user.session_token = new_session_token()  # every other session ends
    queue_email(user.email, "Your password was changed", "password_changed",
                user=user, reset_url=external_url("auth.forgot_password"))
    queue_password_changed_sms(user.id, link=external_url("auth.forgot_password"))


# --- profile ------------------------------------------------------------------------------------------

def change_name(user, name):
    user.name = name.strip()
    db.session.commit()


def change_password(user, current_password, new_password):
    if not verify_password(user.password_hash, current_password):
        raise WrongPassword()
    check_password(new_password, email=user.email, name=user.name)
    _set_password(user, new_password)
    db.session.commit()


def request_email_change(user, current_password, new_email, now=None):
    """Mail a confirmation link to the new address; the account keeps its email until it is followed.
    An address that already has an account gets a notice instead (the caller answers the same)."""
    if not verify_password(user.password_hash, current_password):
        raise WrongPassword()
    new_email = normalise_email(new_email)
    if new_email == user.email:
        raise AccountError("That is already your email address.")
    if find_user_by_email(new_email) is not None:
        queue_email(new_email, "Someone tried to use your email address", "email_in_use", email=new_email)
    else:
        token = tokens.make_token(tokens.CHANGE_EMAIL, user, now=now, email=new_email)
        queue_email(new_email, "Confirm your new email address", "change_email",
                    user=user, new_email=new_email, link=external_url("auth.confirm_email_change", token=token))
    db.session.commit()


def confirm_email_change(token, now=None, signed_in_user_id=None):
    user, payload = _checked_token(tokens.CHANGE_EMAIL, token, now, signed_in_user_id)
    new_email = normalise_email(payload.get("email"))
    if not new_email or find_user_by_email(new_email) is not None:
        raise tokens.TokenInvalid("That email address now belongs to another account.")
    old_email = user.email
    user.email = new_email
    user.email_verified_at = now or utcnow()
    attach_guest_orders(user.id, new_email)
    queue_email(old_email, "Your email address was changed", "email_changed",
                user=user, old_email=old_email, new_email=new_email)
    db.session.commit()
    return user


# --- admins ---------------------------------------------------------------------------------------------

def create_admin(email, password, name="Admin"):
    """Create an admin, or promote (and re-password) the existing account with that email. It is also the
    way back in from the command line, so a deactivated account is reactivated."""
    email = normalise_email(email)
    user = find_user_by_email(email)
    if user is None:
        user = User(email=email, name=name, password_hash=hash_password(password))
        db.session.add(user)
    else:
        user.password_hash = hash_password(password)
        user.session_token = new_session_token()
    user.is_admin = True
    user.is_active = True
    user.email_verified_at = user.email_verified_at or utcnow()
    db.session.commit()
    return user
