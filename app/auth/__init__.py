"""auth domain: accounts, sessions, verification and password links, profile and saved addresses."""
from flask import Blueprint

from app.ops.private_pages import mark_private

bp = mark_private(Blueprint("auth", __name__))  # every page belongs to one visitor: never stored

from app.auth import account_views, views  # noqa: E402,F401
