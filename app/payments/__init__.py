"""payments domain: the gateway interface (Braintree and the offline test mode), payment records,
reconcile, webhooks, and the admin's capture / void / refund."""
from flask import Blueprint

from app.ops.caching import no_store_for

bp = Blueprint("payments", __name__)
no_store_for(bp)

from app.payments import views  # noqa: E402,F401
