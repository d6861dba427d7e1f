"""Checkout steps 3 and 4: review and pay (POST /checkout/place), and the confirmation.

The order comes from app.orders.placement.place_order, the charge from app.payments.services.pay_order;
see docs/checkout.md for what happens on each outcome.
"""
from flask import abort, current_app, g, url_for
from flask_limiter.util import get_remote_address
from flask_login import current_user
from itsdangerous import BadSignature

from app.auth.limits import limited
from app.cart.identity import current_cart
from app.cart.summary import load_cart
from app.checkout import bp
from app.checkout.forms import PlaceOrderForm
from app.checkout.guards import LeaveStep, quote_serializer, rules, step_state
from app.checkout.payment_panel import payment_panel
from app.checkout.state import end_checkout, made_here, placed_here, remember_placed, save_state
from app.htmx import render, see_other
from app.notifications.consent import grant_order_sms, withdraw_order_sms
from app.orders.placement import (
    CartEmpty,
    CartNotOrderable,
    OrderNotPlaced,
    QuoteChanged,
    order_by_token,
    place_order,
    quote_for_cart,
)
from app.orders.services import order_by_number
from app.orders.status import PAID_STATUSES
from app.orders.stock import OutOfStock
from app.payments.gateways import current_gateway
from app.payments.services import PaymentSettings, pay_order, settle_unanswered


def render_review(cart, state, quote, status=200, error=None, changes=None, order=None):
    form = PlaceOrderForm(formdata=None, token=state.token, quote=quote_serializer().dumps(quote.compact()))
    panel = payment_panel(current_gateway(), current_app.config)
    response = render("checkout/review.html", "partials/checkout/review.html", status=status, form=form,
                      quote=quote, state=state, panel=panel, error=error, changes=changes or [], order=order,
                      step="review")
    if panel.csp:
        response.headers["Content-Security-Policy"] = panel.csp
    return response


@bp.get("/checkout/review")
def review():
    cart, state = step_state("review")
    order = order_by_token(state.token) if state.token else None
    if order is not None and order.status in PAID_STATUSES + ("pending_payment",):
        # This checkout already made an order that is paid or being confirmed: show it, never a second form.
        remember_placed(order.number)
        raise LeaveStep(url_for("checkout.confirmation", number=order.number))
    if not state.token or (order is not None and order.status != "payment_failed"):
        state.new_token()
        save_state(state)
    quote = quote_for_cart(cart, rules(), state.shipping_method, state.address)
    return render_review(cart, state, quote, order=order, error=order.payment_message if order else None)


def _payment_declined(_response):
    return g.get("payment_declined", False)


def _cart_key():
    cart = current_cart()
    return f"cart:{cart.id}" if cart is not None else get_remote_address()


@bp.post("/checkout/place")
@limited("RATELIMIT_PAYMENT", account_key=_cart_key, deduct_when=_payment_declined)
def place():
    form = PlaceOrderForm()
    valid = form.validate_on_submit()
    existing = order_by_token(form.token.data) if valid else None
    if existing is not None and _mine(existing):
        if existing.status == "pending_payment":
            # An attempt without an answer (a timeout, or one still running): ask the gateway first.
            settle_unanswered(existing, current_gateway(), PaymentSettings.from_config(current_app.config))
        if order_by_number(existing.number).status != "payment_failed":
            # A double click, a replay or another tab: the order this form made; never a second charge.
            remember_placed(existing.number)
            return see_other(url_for("checkout.confirmation", number=existing.number))
    cart, state = step_state("review")
    quote = quote_for_cart(cart, rules(), state.shipping_method, state.address)
    if not valid:
        error = next((e for f in (form.payment_method_nonce, form.token, form.quote) for e in f.errors),
                     "This form is out of date. Please check your order and place it again.")
        return render_review(cart, state, quote, 422, error=error)
    if form.token.data != state.token:
        return render_review(cart, state, quote, 422,
                             error="This page was out of date. Please check your order and place it again.")
    try:
        seen = quote_serializer().loads(form.quote.data)
    except BadSignature:
        seen = {}
    try:
        placement = place_order(
            token=state.token, cart_id=cart.id, user_id=current_user.id if current_user.is_authenticated else None,
            email=state.email, address=state.address, shipping_method=state.shipping_method, seen=seen,
            rules=rules(), hold_minutes=current_app.config["PAYMENT_HOLD_MINUTES"], cart=cart, existing=existing)
    except QuoteChanged as changed:
        if order_by_token(state.token) is not None:  # the failed order was replaced: a fresh form
            state.new_token()
            save_state(state)
        return render_review(cart, state, changed.quote, 422, changes=changed.changes,
                             error="Your order changed since you looked at it. Please check it and place it again. "
                                   "Nothing was charged.")
    except (OutOfStock, CartNotOrderable, CartEmpty) as error:
        raise LeaveStep(url_for("cart.show"), f"{error} Nothing was charged.", "error") from None
    except OrderNotPlaced as error:
        return render_review(cart, state, quote, 422, error=str(error))
    order = placement.order
    remember_placed(order.number)
    if state.sms_phone:
        # Recorded before the payment, whose approval queues the confirmation (and so its text).
        grant_order_sms(order.id, state.sms_phone, source="checkout")
    elif placement.outcome != "placed":
        # Unticked since an earlier attempt at this same order (a declined card): no texts after all.
        # (A new order has no consent to withdraw.)
        withdraw_order_sms(order.id, source="checkout")
    outcome = pay_order(order, nonce=form.payment_method_nonce.data, gateway=current_gateway(),
                        settings=PaymentSettings.from_config(current_app.config),
                        just_placed=placement.outcome == "placed")
    if outcome.result in ("approved", "already_paid"):
        end_checkout(order.number)
    if outcome.result in ("approved", "already_paid", "unknown", "in_progress"):
        response = see_other(url_for("checkout.confirmation", number=order.number))
    else:
        g.payment_declined = True  # counted by RATELIMIT_PAYMENT
        cart = load_cart(cart.id)
        response = render_review(cart, state, quote_for_cart(cart, rules(), state.shipping_method, state.address),
                                 422, error=outcome.message, order=outcome.order)
    # How long the gateway took (browsers' dev tools show it; `make bench` subtracts it).
    response.headers["Server-Timing"] = f"gateway;dur={outcome.gateway_seconds * 1000:.1f}"
    return response


def _mine(order):
    """This shopper's order: their account's, or one this browser placed (it remembers the number, or
    still holds the checkout whose form made it)."""
    if current_user.is_authenticated and order.user_id == current_user.id:
        return True
    return placed_here(order.number) or made_here(order.idempotency_key)


# --- confirmation ------------------------------------------------------------------------------------------

@bp.get("/checkout/confirmation/<number>")
def confirmation(number):
    order = order_by_number(number)
    if order is None or not _mine(order):
        abort(404)
    return render("checkout/confirmation.html", "partials/checkout/status.html", order=order, step="done")
