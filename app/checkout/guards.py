"""Checkout's guards and shared helpers: whose cart, which step is reachable, the pricing rules.

A guard that sends the shopper elsewhere raises LeaveStep; the blueprint answers it with a 303 (or
HX-Redirect for htmx) and the reason flashed."""
from flask import current_app, flash, url_for
from flask_login import current_user
from itsdangerous import URLSafeSerializer

from app.cart.identity import current_cart
from app.cart.services import checkout_blockers
from app.cart.summary import load_cart
from app.checkout import bp
from app.checkout.state import load_state
from app.htmx import see_other
from app.orders.pricing import PricingRules


class LeaveStep(Exception):
    """A guard sends the shopper elsewhere (the cart, an earlier step, the confirmation)."""

    def __init__(self, url, message=None, category="info"):
        super().__init__(message or url)
        self.url, self.message, self.category = url, message, category


@bp.errorhandler(LeaveStep)
def leave_step(error):
    if error.message:
        flash(error.message, error.category)
    return see_other(error.url)


def rules():
    return PricingRules.from_config(current_app.config)


def quote_serializer():
    return URLSafeSerializer(current_app.secret_key, salt="checkout.quote")


# --- guards ----------------------------------------------------------------------------------------------

def shopper_cart():
    """The shopper's cart, if it can be checked out; otherwise back to the cart with the reason."""
    cart = current_cart()
    cart = load_cart(cart.id) if cart is not None else None
    if cart is None or not cart.lines:
        raise LeaveStep(url_for("cart.show"), "Your cart is empty. Add something to check out.")
    blockers = checkout_blockers(cart)
    if blockers:
        raise LeaveStep(url_for("cart.show"), " ".join(blocker.message for blocker in blockers), "error")
    return cart


def step_state(step):
    """The cart and checkout state for `step`; a step is reachable only when the earlier ones are done."""
    cart = shopper_cart()
    state = load_state(cart.id)
    if current_user.is_authenticated:
        state.email = current_user.email
    if step in ("shipping", "review") and not state.contact_done:
        raise LeaveStep(url_for("checkout.contact"))
    if step == "review" and not state.shipping_done:
        raise LeaveStep(url_for("checkout.shipping"))
    return cart, state
