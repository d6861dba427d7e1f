"""orders domain: place_order, the order tables, the status machine, order pages for shoppers and admins."""
from flask import Blueprint

from app.ops.private_pages import mark_private

bp = mark_private(Blueprint("orders", __name__))

from app.orders import admin_views, views  # noqa: E402,F401
