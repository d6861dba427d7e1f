"""mail domain: the outbox, its delivery, and the admins' list of failed messages."""
from flask import Blueprint

from app.ops.private_pages import mark_private

bp = mark_private(Blueprint("mail", __name__))  # every page belongs to one visitor: never stored

from app.mail import views  # noqa: E402,F401
