"""payments domain: the gateway interface (Braintree and the offline test mode), payment records,
reconcile, webhooks, and the admin's capture / void / refund."""
from flask import Blueprint

from app.ops.private_pages import mark_private

bp = mark_private(Blueprint("payments", __name__))

from app.payments import views  # noqa: E402,F401
