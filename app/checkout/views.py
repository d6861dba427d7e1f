"""Checkout: contact and address -> shipping method -> review and pay -> confirmation.

Orchestration only: the steps keep their data in the shopper's session (app.checkout.state), prices come
from app.orders.pricing, the order from app.orders.placement.place_order, the charge from
app.payments.services.pay_order. Every step is a plain form with a 303; htmx enhances (inline 422 errors,
the summary updating when the shipping method changes) and gets the same partials.
"""
from flask import abort, current_app, flash, g, request, url_for
from flask_limiter.util import get_remote_address
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeSerializer

from app.analytics.services import record_event
from app.auth.limits import limited
from app.auth.addresses import AddressNotFound, add_address, default_address, get_address, list_addresses
from app.cart.identity import current_cart
from app.cart.services import checkout_blockers
from app.cart.summary import load_cart
from app.checkout import bp
from app.checkout.forms import NEW_ADDRESS, ContactForm, PlaceOrderForm, ShippingForm
from app.checkout.payment_panel import payment_panel
from app.checkout.state import ADDRESS_FIELDS, end_checkout, load_state, placed_here, remember_placed, save_state
from app.htmx import is_fragment_request, render, see_other
from app.orders.placement import (
    CartEmpty,
    CartNotOrderable,
    OrderNotPlaced,
    QuoteChanged,
    order_by_token,
    place_order,
    quote_for_cart,
)
from app.orders.pricing import PricingRules
from app.orders.services import order_by_number
from app.orders.status import PAID_STATUSES
from app.orders.stock import OutOfStock
from app.payments.gateways import current_gateway
from app.payments.services import PaymentSettings, pay_order, settle_unanswered


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


# --- start and contact -------------------------------------------------------------------------------------

@bp.get("/checkout")
def start():
    cart, state = step_state("start")
    record_event("checkout_started", {"items": sum(line.quantity for line in cart.lines)},
                 user_id=current_user.id if current_user.is_authenticated else None, commit=True)
    if not state.contact_done:
        return see_other(url_for("checkout.contact"))
    return see_other(url_for("checkout.review" if state.shipping_done else "checkout.shipping"))


def contact_form(state, formdata=True):
    member = current_user.is_authenticated
    saved = list_addresses(current_user) if member else []
    form = ContactForm(guest=not member, saved_ids=[a.id for a in saved]) if formdata else ContactForm(
        formdata=None, guest=not member, saved_ids=[a.id for a in saved])
    if not formdata:
        default = default_address(current_user) if member else None
        if state.address_id is not None:
            choice = str(state.address_id)
        elif state.address or default is None:
            choice = NEW_ADDRESS
        else:
            choice = str(default.id)
        form.address_choice.data = choice
        form.email.data = state.email
        filled = state.address if state.address_id is None else {}
        for name in ADDRESS_FIELDS:
            getattr(form, "full_name" if name == "name" else name).data = filled.get(name, "")
    return form, saved


def render_contact(cart, form, saved, state, status=200):
    quote = quote_for_cart(cart, rules(), state.shipping_method or None, state.address)
    return render("checkout/contact.html", "partials/checkout/contact_form.html", status=status, form=form,
                  saved=saved, state=state, quote=quote, step="contact")


@bp.get("/checkout/contact")
def contact():
    cart, state = step_state("contact")
    form, saved = contact_form(state, formdata=False)
    return render_contact(cart, form, saved, state)


@bp.post("/checkout/contact")
def save_contact():
    cart, state = step_state("contact")
    form, saved = contact_form(state)
    if not form.validate_on_submit():
        return render_contact(cart, form, saved, state, 422)
    if form.uses_saved_address():
        try:
            chosen = get_address(current_user, int(form.address_choice.data))
        except AddressNotFound:
            form.address_choice.errors.append("That address is no longer saved. Choose another.")
            return render_contact(cart, form, saved, state, 422)
        address = {name: getattr(chosen, "full_name" if name == "name" else name) for name in ADDRESS_FIELDS}
        address_id = chosen.id
    else:
        address = {name: (getattr(form, "full_name" if name == "name" else name).data or "").strip()
                   for name in ADDRESS_FIELDS}
        address["country"] = address["country"].upper()
        address_id = None
        if current_user.is_authenticated and form.save_address.data:
            data = {("full_name" if name == "name" else name): value for name, value in address.items()}
            address_id = add_address(current_user, data).id
            flash("The address is saved to your account.", "success")
    email = current_user.email if current_user.is_authenticated else form.email.data.strip().lower()
    if (email, address) != (state.email, state.address):
        state.token = ""  # a new address (and so maybe tax) makes a new order, never a changed one
    state.email, state.address, state.address_id = email, address, address_id
    save_state(state)
    return see_other(url_for("checkout.shipping"))


# --- shipping ----------------------------------------------------------------------------------------------

def shipping_options(cart, state):
    """(method, its price for this cart) for every configured method."""
    pricing = rules()
    return [(method, quote_for_cart(cart, pricing, method.code, state.address).shipping)
            for method in pricing.shipping_methods]


def render_shipping(cart, state, form, status=200):
    quote = quote_for_cart(cart, rules(), form.method.data or state.shipping_method or None, state.address)
    return render("checkout/shipping.html", "partials/checkout/shipping_form.html", status=status, form=form,
                  options=shipping_options(cart, state), quote=quote, state=state, step="shipping")


def shipping_form(formdata=True):
    codes = [method.code for method in rules().shipping_methods]
    return ShippingForm(codes=codes) if formdata else ShippingForm(formdata=None, codes=codes)


@bp.get("/checkout/shipping")
def shipping():
    cart, state = step_state("shipping")
    form = shipping_form(formdata=False)
    form.method.data = state.shipping_method or (form.codes[0] if form.codes else None)
    return render_shipping(cart, state, form)


@bp.post("/checkout/shipping")
def save_shipping():
    cart, state = step_state("shipping")
    form = shipping_form()
    if not form.validate_on_submit():
        return render_shipping(cart, state, form, 422)
    if form.method.data != state.shipping_method:
        state.shipping_method, state.token = form.method.data, ""
        save_state(state)
    if is_fragment_request() and request.form.get("update") == "summary":
        # A radio changed (htmx): the summary with the new shipping line; the shopper stays on the step.
        quote = quote_for_cart(cart, rules(), state.shipping_method, state.address)
        return render("checkout/shipping.html", "partials/checkout/summary.html", quote=quote, state=state)
    return see_other(url_for("checkout.review"))


# --- review and place --------------------------------------------------------------------------------------

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
            rules=rules(), hold_minutes=current_app.config["PAYMENT_HOLD_MINUTES"])
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
    outcome = pay_order(order, nonce=form.payment_method_nonce.data, gateway=current_gateway(),
                        settings=PaymentSettings.from_config(current_app.config))
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
    """This shopper's order: their account's, or one this browser placed."""
    if current_user.is_authenticated and order.user_id == current_user.id:
        return True
    return placed_here(order.number)


# --- confirmation ------------------------------------------------------------------------------------------

@bp.get("/checkout/confirmation/<number>")
def confirmation(number):
    order = order_by_number(number)
    if order is None or not _mine(order):
        abort(404)
    return render("checkout/confirmation.html", "partials/checkout/status.html", order=order, step="done")
