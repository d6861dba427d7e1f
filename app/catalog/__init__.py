"""catalog domain."""
from flask import Blueprint

bp = Blueprint("catalog", __name__)

from app.catalog import views  # noqa: E402,F401
