"""admin domain."""
from flask import Blueprint

from app.ops.private_pages import mark_private

bp = mark_private(Blueprint("admin", __name__))  # every page belongs to one visitor: never stored

from app.admin import views  # noqa: E402,F401
