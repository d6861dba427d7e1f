"""Helpers shared by the checkout, orders and payments tests (and the race and browser tests): a shopper
who walks the checkout over the app's real endpoints (CSRF tokens read from the pages), the Braintree
gateway stand-in, and small readers of orders and stock. Products come from tests/factories.py (the
`make_product` fixture), written through the catalog services.

Domain conftests import the fixtures: `from tests.commerce import shopper, standin`.
"""
import re
from html import unescape

import pytest

from app.extensions import db as _db
from tests.braintree_standin import BraintreeStandIn
ADDRESS = {"full_name": "Gina Guest", "line1": "1 Market Street", "line2": "", "city": "Springfield",
           "region": "CA", "postcode": "94000", "country": "US", "phone": ""}
VISA = "fake-valid-visa-nonce"
DECLINED_VISA = "fake-processor-declined-visa-nonce"


@pytest.fixture
def standin():
    """The Braintree gateway stand-in on a loopback port, in a thread of this process."""
    server = BraintreeStandIn().start()
    yield server
    server.stop()


def field_value(html, name):
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', html) or re.search(
        rf'value="([^"]*)"[^>]*name="{name}"', html)
    return unescape(match.group(1)) if match else None


class Shopper:
    """Walks the checkout through the real endpoints with a Flask test client."""

    def __init__(self, client):
        self.client = client

    def csrf(self, path="/cart"):
        """The page's CSRF token (from a form, or the <body hx-headers> that htmx sends)."""
        html = self.client.get(path).get_data(as_text=True)
        header = re.search(r'X-CSRFToken&#34;: &#34;([^&]+)&#34;|"X-CSRFToken": "([^"]+)"', html)
        return field_value(html, "csrf_token") or (next(g for g in header.groups() if g) if header else "")

    def add(self, product_id, quantity=1):
        response = self.client.post("/cart/add", data={"product_id": product_id, "quantity": str(quantity),
                                                       "csrf_token": self.csrf()})
        assert response.status_code == 303, response.get_data(as_text=True)[:300]
        return response

    def contact(self, email="guest@example.com", **address):
        data = {"email": email, "address_choice": "new", **ADDRESS, **address,
                "csrf_token": self.csrf("/checkout/contact")}
        return self.client.post("/checkout/contact", data=data)

    def shipping(self, method="standard"):
        return self.client.post("/checkout/shipping", data={"method": method,
                                                            "csrf_token": self.csrf("/checkout/shipping")})

    def review(self):
        response = self.client.get("/checkout/review")
        html = response.get_data(as_text=True)
        return response, {"token": field_value(html, "token"), "quote": field_value(html, "quote"),
                          "csrf_token": field_value(html, "csrf_token") or ""}

    def ready(self, product_id, quantity=1, email="guest@example.com", method="standard", **address):
        """Cart, contact and shipping done; returns the review form's fields."""
        self.add(product_id, quantity)
        assert self.contact(email, **address).status_code == 303
        assert self.shipping(method).status_code == 303
        response, form = self.review()
        assert response.status_code == 200, response.get_data(as_text=True)[:500]
        return form

    def place(self, form, nonce=VISA, headers=None):
        return self.client.post("/checkout/place", data={**form, "payment_method_nonce": nonce}, headers=headers or {})


@pytest.fixture
def shopper(client):
    return Shopper(client)


def orders(app):
    from app.orders.models import Order

    with app.app_context():
        return [(o.number, o.status, o.total) for o in _db.session.query(Order).order_by(Order.id)]


def stock_of(app, product_id):
    from app.catalog.models import Product

    with app.app_context():
        return _db.session.get(Product, product_id).stock


def order_row(app, number=None):
    """The order (the only one, or by number) with its lines, events and payments loaded."""
    from sqlalchemy.orm import selectinload

    from app.orders.models import Order

    with app.app_context():
        query = _db.session.query(Order).options(selectinload(Order.lines), selectinload(Order.events),
                                                 selectinload(Order.payments))
        order = query.filter_by(number=number).one() if number else query.one()
        _db.session.expunge_all()
        return order
