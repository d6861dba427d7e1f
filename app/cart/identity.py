"""Whose cart is this request about: the member's (on the account) or the guest's (a random token in its
own signed cookie). Web glue only: the services below it take plain ids and tokens.
"""
from datetime import timedelta

from flask import after_this_request, current_app, g, has_request_context, request
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeSerializer

from app.cart.services import (
    cart_item_count,
    create_guest_cart,
    find_guest_cart,
    find_member_cart,
    get_or_create_member_cart,
)
from app.ops.security import path_on_this_host

GUEST_COOKIE_MAX_AGE = timedelta(days=30)
_SALT = "cart.guest-token"


def guest_cookie_name():
    # __Host- needs Secure and Path=/; a sibling subdomain or plain HTTP then cannot plant a cart cookie.
    return "__Host-cart" if current_app.config["SECURE_COOKIES"] else "cart"


def _serializer():
    return URLSafeSerializer(current_app.secret_key, salt=_SALT)


def guest_token_from_cookie():
    """The guest token, or None for no cookie or one that was not signed by us."""
    value = request.cookies.get(guest_cookie_name())
    if not value:
        return None
    try:
        token = _serializer().loads(value)
    except BadSignature:
        return None
    return token if isinstance(token, str) else None


def current_cart(create=False):
    """The cart of this request, or None; with create=True it is made now (carts are created lazily,
    when the shopper first adds, so browsing leaves no rows behind)."""
    if current_user.is_authenticated:
        return get_or_create_member_cart(current_user.id) if create else find_member_cart(current_user.id)
    cart = find_guest_cart(guest_token_from_cookie())
    if cart is None and create:
        cart = create_guest_cart()
    return cart


def remember_guest_cart(cart):
    """(Re)send the guest cookie: 30 days from the last change. Members need none."""
    if cart is None or cart.user_id is not None:
        return
    value = _serializer().dumps(cart.token)

    @after_this_request
    def set_cookie(response):
        response.set_cookie(
            guest_cookie_name(), value, max_age=int(GUEST_COOKIE_MAX_AGE.total_seconds()), path="/",
            httponly=True, samesite="Lax", secure=bool(current_app.config["SECURE_COOKIES"]),
        )
        return response


def forget_guest_cart():
    @after_this_request
    def delete_cookie(response):
        response.delete_cookie(guest_cookie_name(), path="/", httponly=True, samesite="Lax",
                               secure=bool(current_app.config["SECURE_COOKIES"]))
        return response


def badge_count(cart=None):
    """Items in this request's cart, for the header badge; cached per request (and refreshed by the
    views after a change). A failing database must not break the page that shows the badge."""
    if not has_request_context():
        return 0
    if cart is not None:
        g.cart_count = cart_item_count(cart.id)
    if "cart_count" not in g:
        try:
            if not current_user.is_authenticated and not request.cookies.get(guest_cookie_name()):
                g.cart_count = 0
            else:
                found = current_cart()
                g.cart_count = cart_item_count(found.id) if found is not None else 0
        except Exception:  # noqa: BLE001 — e.g. the error page of a database outage
            current_app.logger.warning("cart badge count unavailable", exc_info=True)
            return 0
    return g.cart_count


def referrer_path():
    """The path of a same-host Referer (our Referrer-Policy is same-origin), else None."""
    return path_on_this_host(request.referrer, request.host)


def return_path_for_forms():
    """Where a form rendered now should send the shopper back to (its hidden `next`)."""
    path = request.full_path
    return path[:-1] if path.endswith("?") else path
