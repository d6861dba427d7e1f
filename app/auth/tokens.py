"""Signed, time-limited, single-use links (verify email, reset password, confirm a new email).

A token is signed with SECRET_KEY and a salt per purpose (a reset token is no verification token), and
carries the user id and a fingerprint of the account state the link acts on. Acting on the link changes
that state, so the same link is dead afterwards: verifying sets email_verified_at, a reset or password
change replaces the password hash, an email change replaces the email.
"""
import hashlib
from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

VERIFY_EMAIL = ("verify-email", timedelta(hours=24))
RESET_PASSWORD = ("reset-password", timedelta(hours=1))
CHANGE_EMAIL = ("change-email", timedelta(hours=24))


class TokenError(Exception):
    """The message is safe to show on the error page."""


class TokenExpired(TokenError):
    pass


class TokenInvalid(TokenError):
    pass


def _clock_signer(now):
    """The signer, on a fixed clock when `now` is given (tests of expiry)."""
    if now is None:
        return TimestampSigner

    class ClockSigner(TimestampSigner):
        def get_timestamp(self):
            return int(now.timestamp())

    return ClockSigner


def _serializer(purpose, now=None):
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"shop-{purpose}",
                                  signer=_clock_signer(now))


def fingerprint(*parts):
    text = "\x1f".join("" if part is None else str(part) for part in parts)
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def state_fingerprint(kind, user):
    purpose = kind[0]
    if purpose == VERIFY_EMAIL[0]:
        return fingerprint(user.email, user.email_verified_at is not None)
    if purpose == RESET_PASSWORD[0]:
        return fingerprint(user.password_hash)
    return fingerprint(user.email, user.password_hash)


def make_token(kind, user, now=None, **extra):
    payload = {"uid": user.id, "fp": state_fingerprint(kind, user), **extra}
    return _serializer(kind[0], now).dumps(payload)


def read_token(kind, token, now=None):
    """The payload of a well-signed, unexpired token (not yet checked against the account state)."""
    purpose, max_age = kind
    try:
        payload = _serializer(purpose, now).loads(token, max_age=int(max_age.total_seconds()))
    except SignatureExpired:
        raise TokenExpired("This link has expired. Please ask for a new one.") from None
    except BadSignature:
        raise TokenInvalid("This link is not valid. Please check that you copied all of it.") from None
    if not isinstance(payload, dict) or not isinstance(payload.get("uid"), int):
        raise TokenInvalid("This link is not valid. Please check that you copied all of it.")
    return payload


def check_state(kind, user, payload):
    if user is None or payload.get("fp") != state_fingerprint(kind, user):
        raise TokenInvalid("This link has already been used or is no longer valid. Please ask for a new one.")
