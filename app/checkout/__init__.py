"""checkout domain: the steps from cart to order (views, forms, guards). No tables of its own: it calls
app.orders to place the order and app.payments to charge it."""
from flask import Blueprint

from app.ops.private_pages import mark_private

bp = mark_private(Blueprint("checkout", __name__))

from app.checkout import guards, paying, views  # noqa: E402,F401
