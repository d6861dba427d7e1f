"""checkout domain: the steps from cart to order (views, forms, guards). No tables of its own: it calls
app.orders to place the order and app.payments to charge it."""
from flask import Blueprint

from app.ops.caching import no_store_for

bp = Blueprint("checkout", __name__)
no_store_for(bp)

from app.checkout import guards, paying, views  # noqa: E402,F401
