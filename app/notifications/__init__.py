"""notifications domain: consent (mobile number, SMS and promotional email choices), the SMS channel of the
message outbox, and promotional email with its one-click unsubscribe. See docs/notifications.md."""
from flask import Blueprint

bp = Blueprint("notifications", __name__)
