"""Cart pages and actions. Each action is a plain form post: htmx gets the updated fragment plus the
header badge (out of band) and a message for the aria-live alerts region; without htmx the shopper is
sent back (303, same-site path only) with a flash message."""
import logging

from flask import abort, current_app, flash, make_response, redirect, render_template, request, url_for
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.routing import BuildError

from app.analytics.tracking import track
from app.cart import bp
from app.cart.forms import AddToCartForm, CartActionForm, QuantityForm, first_error
from app.cart.identity import (
    badge_count,
    current_cart,
    forget_guest_cart,
    guest_token_from_cookie,
    referrer_path,
    remember_guest_cart,
    return_path_for_forms,
)
from app.cart.merge import merge_guest_cart
from app.cart.services import (
    CartError,
    LineNotFound,
    QuantityUnavailable,
    add_checked,
    check_addable,
    empty_cart,
    remove_line,
    set_line_quantity,
)
from app.cart.summary import line_view, load_cart, summarize_cart
from app.catalog.models import Product
from app.extensions import db
from app.htmx import add_vary, is_fragment_request, render
from app.ops.security import same_site_path
from app.ops.shared_html import per_shopper

log = logging.getLogger(__name__)


# The hidden `next` of every cart form: the page it was rendered on (a slot in shared catalog pages).
cart_return_path = per_shopper("cart_return_path", return_path_for_forms)


@bp.app_context_processor
def cart_badge_context():
    return {"cart_count": badge_count(), "oob": False, "cart_return_path": cart_return_path}


@bp.get("/cart")
def show():
    cart = current_cart()
    return render("cart/cart.html", "partials/cart/cart.html", **_cart_context(cart))


@bp.post("/cart/add")
def add():
    form = AddToCartForm()
    product = db.session.get(Product, form.product_id.data) if form.product_id.validate(form) else None
    if product is None or not product.is_active:
        abort(404)  # a product taken off sale is answered like an unknown id: its name is not shown
    back = _back(form.next.data, default=url_for("catalog.product", slug=product.slug))
    form_context = {"product": product, "show_quantity": request.form.get("show_quantity") == "1",
                    "return_to": back}
    if not form.validate():
        return _refused(first_error(form), back, "partials/cart/add_form.html", **form_context)
    try:
        cart = current_cart()
        product = check_addable(product.id, form.quantity.data, cart.id if cart else None)
        cart = cart or current_cart(create=True)  # after the check: no empty guest cart for a refused add
        add_checked(cart.id, product, form.quantity.data)
    except CartError as error:
        return _refused(str(error), back, "partials/cart/add_form.html", **form_context)
    remember_guest_cart(cart)
    track("add_to_cart", {"product_id": product.id, "quantity": form.quantity.data})
    message = f"Added {form.quantity.data} × {product.name} to your cart."
    return _done(message, back, cart, render_template("partials/cart/add_form.html", added=True, **form_context))


@bp.post("/cart/lines/<int:line_id>/quantity")
def change_quantity(line_id):
    form = QuantityForm()
    back = _back(form.next.data)
    cart = current_cart()
    before = _line_view(_line_or_404(cart, line_id))  # as shown now; also what a refusal re-renders
    if not form.validate():
        return _refused(first_error(form), back, "partials/cart/line.html", view=before)
    try:
        updated = set_line_quantity(cart.id, line_id, form.quantity.data)
    except LineNotFound:
        abort(404)
    except QuantityUnavailable as error:
        # The line comes back with the allowed maximum filled in, ready to confirm.
        return _refused(str(error), back, "partials/cart/line.html", view=before, suggested=error.maximum)
    except CartError as error:
        return _refused(str(error), back, "partials/cart/line.html", view=before)
    remember_guest_cart(cart)
    if updated is None:  # quantity 0 removed the line
        return _region_changed(f"Removed {before.name} from your cart.", back, cart)
    cart = load_cart(cart.id)
    summary = _summary(cart)
    view = next(v for v in summary.lines if v.id == line_id)
    body = (render_template("partials/cart/line.html", view=view)
            + render_template("partials/cart/summary.html", summary=summary, checkout_url=_checkout_url(), oob=True))
    return _done(f"{view.name}: quantity is now {view.quantity}.", back, cart, body)


@bp.post("/cart/lines/<int:line_id>/remove")
def remove(line_id):
    form = CartActionForm()
    back = _back(form.next.data)
    cart = current_cart()
    line = _line_or_404(cart, line_id)
    name = _line_view(line).name
    try:
        remove_line(cart.id, line_id)
    except LineNotFound:
        abort(404)
    remember_guest_cart(cart)
    return _region_changed(f"Removed {name} from your cart.", back, cart)


@bp.post("/cart/empty")
def empty():
    form = CartActionForm()
    back = _back(form.next.data)
    cart = current_cart()
    if cart is not None:
        empty_cart(cart.id)
        remember_guest_cart(cart)
    return _region_changed("Your cart is now empty.", back, cart)


# --- merge at login ----------------------------------------------------------------------------------

def merge_cart_on_login(app, user, **_extra):
    """flask_login's user_logged_in: move the guest cart (if any) into the member's cart, and say what
    happened. A failure must not fail the login; the guest cart then stays for the next login."""
    token = guest_token_from_cookie()
    if not token:
        return
    try:
        report = merge_guest_cart(token, user.id)
    except SQLAlchemyError:
        db.session.rollback()
        log.exception("could not merge guest cart into user %s", user.id)
        flash("We could not move the items you added before logging in. They are kept for your next login.",
              "warning")
        return
    forget_guest_cart()
    if report is not None and not report.is_empty:
        flash(report.notice(), "warning" if (report.reduced or report.not_added or report.flagged) else "info")


# --- responses ---------------------------------------------------------------------------------------

def _back(candidate, default=None):
    default = default or url_for("cart.show")
    return same_site_path(candidate) or same_site_path(referrer_path()) or default


def _line_or_404(cart, line_id):
    """Per-record access: a line id from the URL is only found in the shopper's own cart."""
    cart = load_cart(cart.id) if cart is not None else None
    line = next((line for line in cart.lines if line.id == line_id), None) if cart is not None else None
    if line is None:
        abort(404)
    return line


def _line_view(line):
    return line_view(line, current_app.config["CURRENCY"])


def _summary(cart):
    return summarize_cart(cart, current_app.config["CURRENCY"], current_app.config["FREE_SHIPPING_FROM"])


def _checkout_url():
    """Checkout is its own domain; link to it once it exists."""
    try:
        return url_for("checkout.start")
    except BuildError:
        return None


def _cart_context(cart, **extra):
    cart = load_cart(cart.id) if cart is not None else None
    return {"summary": _summary(cart), "checkout_url": _checkout_url(), **extra}


def _extras(message, category, cart):
    """The out-of-band parts of every fragment response: the badge and the announcement."""
    return (render_template("partials/cart/badge.html", oob=True, cart_count=badge_count(cart))
            + render_template("partials/cart/notice.html", message=message, category=category))


def _done(message, back, cart, body):
    if not is_fragment_request():
        flash(message, "success")
        return add_vary(redirect(back, 303))
    return add_vary(make_response(body + _extras(message, "success", cart)))


def _region_changed(message, back, cart):
    """Lines came or went: htmx gets the whole cart region (and focus moves to its heading)."""
    if not is_fragment_request():
        flash(message, "success")
        return add_vary(redirect(back, 303))
    body = render_template("partials/cart/cart.html", **_cart_context(cart, focus_heading=True))
    response = add_vary(make_response(body + _extras(message, "success", cart)))
    response.headers["HX-Retarget"] = "#cart"
    response.headers["HX-Reswap"] = "outerHTML"
    return response


def _refused(message, back, partial, **context):
    """A refused action: htmx gets the fragment again with the message (422 is swapped); a plain post
    goes back with the message flashed."""
    if not is_fragment_request():
        flash(message, "error")
        return add_vary(redirect(back, 303))
    body = render_template(partial, error=message, **context) + _extras(message, "error", None)
    return add_vary(make_response(body, 422))
