"""orders domain: place_order, the order tables, the status machine, order pages for shoppers and admins."""
from flask import Blueprint

from app.ops.caching import no_store_for

bp = Blueprint("orders", __name__)
no_store_for(bp)

from app.orders import admin_views, views  # noqa: E402,F401
