"""The outbox's channels and consent checks, filled in at startup by the domains that own them.

The outbox (app.mail.services) only knows that a row has a channel and a purpose. Email is built in; the
notifications domain registers the SMS sender and the consent checks for its purposes, so the outbox never
imports the domains that use it.
"""
from app.mail.transport import send_message

SENDERS = {"email": send_message}
CONSENT_GATES = {}


class PermanentFailure(Exception):
    """The provider refused this message as it is (a bad number, say): retrying cannot help."""


def register_channel(channel, sender):
    SENDERS[channel] = sender


def register_consent_gate(purpose, allows):
    """`allows(message) -> bool` is asked just before each message of this purpose is sent."""
    CONSENT_GATES[purpose] = allows


def sender_for(channel):
    try:
        return SENDERS[channel]
    except KeyError:
        raise PermanentFailure(f"no sender for channel {channel!r}") from None


def consent_allows(message):
    gate = CONSENT_GATES.get(message.purpose)
    return gate is None or gate(message)
