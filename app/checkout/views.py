"""Checkout steps 1 and 2: contact and address, shipping method (and the start that picks the step).

Orchestration only: the steps keep their data in the shopper's session (app.checkout.state) and prices
come from app.orders.pricing. Every step is a plain form with a 303; htmx enhances (inline 422 errors,
the summary updating when the shipping method changes) and gets the same partials.
"""
from flask import flash, request, url_for
from flask_login import current_user

from app.analytics.tracking import track
from app.auth.addresses import AddressNotFound, add_address, default_address, get_address, list_addresses
from app.checkout import bp
from app.checkout.forms import NEW_ADDRESS, ContactForm, ShippingForm
from app.checkout.guards import rules, step_state
from app.checkout.state import ADDRESS_FIELDS, save_state
from app.htmx import is_fragment_request, render, see_other
from app.notifications.phones import display_phone
from app.orders.placement import quote_for_cart


# --- start and contact -------------------------------------------------------------------------------------

@bp.get("/checkout")
def start():
    cart, state = step_state("start")
    track("checkout_started", {"items": sum(line.quantity for line in cart.lines)})
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
        form.sms_updates.data, form.sms_phone.data = bool(state.sms_phone), display_phone(state.sms_phone)
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
    state.sms_phone = form.sms_phone.e164 if form.sms_updates.data else ""
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
