"""mail domain: the outbox, its delivery, and the admins' list of failed messages."""
from flask import Blueprint

bp = Blueprint("mail", __name__)

from app.mail import views  # noqa: E402,F401
