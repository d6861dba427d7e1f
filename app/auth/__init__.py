"""auth domain: accounts, sessions, verification and password links, profile and saved addresses."""
from flask import Blueprint

bp = Blueprint("auth", __name__)

from app.auth import account_views, views  # noqa: E402,F401
