"""The link to an order that its confirmation email carries.

A member's link is the plain order page (they log in to see it). A guest has no login, so the link carries
a key: the order number and email signed with SECRET_KEY (salted for this purpose only). A changed number
or a forged key is refused like an order that does not exist. Links are built on SHOP_BASE_URL
(app.ops.links.external_url), never on the request's Host.
"""
from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from app.ops.links import external_url

_SALT = "orders.guest-link"


def _serializer():
    return URLSafeSerializer(current_app.secret_key, salt=_SALT)


def guest_key(order):
    return _serializer().dumps([order.number, order.email])


def key_opens(order, key):
    """True when `key` was made for this very order (number and email)."""
    if not key or order is None:
        return False
    try:
        number, email = _serializer().loads(key)
    except (BadSignature, ValueError, TypeError):
        return False
    return number == order.number and email == order.email


def order_link(order):
    """The absolute link for mail: with the key for a guest order, plain for a member's."""
    if order.user_id is None:
        return external_url("orders.detail", number=order.number, key=guest_key(order))
    return external_url("orders.detail", number=order.number)
