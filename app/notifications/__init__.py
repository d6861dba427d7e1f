"""notifications domain: consent (mobile number, SMS and promotional email choices), the SMS channel of the
message outbox, and promotional email with its one-click unsubscribe. See docs/notifications.md."""
from flask import Blueprint

from app.ops.private_pages import mark_private

# Admin pages and one visitor's unsubscribe page: never stored by a cache.
bp = mark_private(Blueprint("notifications", __name__))

from app.notifications import admin_views, views  # noqa: E402,F401
