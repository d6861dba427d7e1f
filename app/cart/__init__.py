"""cart domain."""
from flask import Blueprint

bp = Blueprint("cart", __name__)

from app.cart import views  # noqa: E402,F401
