"""Where a shopper is in checkout: in their own session (signed cookie), tied to their cart.

The state holds the contact email, the shipping address snapshot, the chosen shipping method and the
review form's idempotency token. It is kept only for the cart it was made for: another cart (after a
login merged a guest cart, or on a shared computer after logout, which clears the session anyway) starts
afresh, so it never leaks from one shopper to another. A reload keeps it; a placed and paid order ends it.
"""
import secrets
from dataclasses import asdict, dataclass, field

from flask import session

KEY = "checkout"
PLACED_KEY = "placed_orders"  # order numbers this browser placed (a guest may see their confirmation)
ADDRESS_FIELDS = ("name", "line1", "line2", "city", "region", "postcode", "country", "phone")


@dataclass
class CheckoutState:
    cart_id: int
    email: str = ""
    address: dict = field(default_factory=dict)
    address_id: int | None = None  # the saved address chosen (members), to preselect it again
    shipping_method: str = ""
    token: str = ""
    sms_phone: str = ""  # E.164: the shopper ticked "text me" for this order (recorded on it when placed)

    @property
    def contact_done(self):
        return bool(self.email and all(self.address.get(f) for f in ("name", "line1", "city", "postcode", "country")))

    @property
    def shipping_done(self):
        return self.contact_done and bool(self.shipping_method)

    def new_token(self):
        self.token = secrets.token_urlsafe(24)
        return self.token


def load_state(cart_id):
    data = session.get(KEY)
    if isinstance(data, dict) and data.get("cart_id") == cart_id:
        try:
            return CheckoutState(**data)
        except TypeError:  # a session written by another version
            pass
    return CheckoutState(cart_id=cart_id)


def save_state(state):
    session[KEY] = asdict(state)


def end_checkout(order_number):
    session.pop(KEY, None)
    remember_placed(order_number)


def remember_placed(order_number):
    placed = [n for n in session.get(PLACED_KEY, []) if n != order_number][-9:]
    session[PLACED_KEY] = placed + [order_number]


def placed_here(order_number):
    return order_number in session.get(PLACED_KEY, [])


def made_here(idempotency_key):
    """This session's checkout made the order with this review-form token. A shopper whose answer was
    lost (and with it the cookie naming the order) still holds the session the form came from."""
    data = session.get(KEY)
    return bool(idempotency_key) and isinstance(data, dict) and data.get("token") == idempotency_key
