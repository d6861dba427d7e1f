"""Every checkout route with CSRF on, as in production: as a page (forms carry the token) and as an htmx
fragment (the X-CSRFToken header from <body hx-headers>); without the token nothing changes."""
import re

import pytest

from app.extensions import db
from app.orders.models import Order
from tests.commerce import ADDRESS, VISA, field_value


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


def header_token(client, path):
    html = client.get(path).get_data(as_text=True)
    match = re.search(r"X-CSRFToken&#34;: &#34;([^&]+)&#34;|\"X-CSRFToken\": \"([^\"]+)\"", html)
    return next(group for group in match.groups() if group)


def test_every_step_refuses_posts_without_the_token(app, client, shopper, make_product):
    shopper.add(make_product("Lamp").id)
    for path, data in [("/checkout/contact", {"email": "a@example.com", **ADDRESS}),
                       ("/checkout/shipping", {"method": "standard"}),
                       ("/checkout/place", {"payment_method_nonce": VISA})]:
        for headers in ({}, {"HX-Request": "true"}):
            response = client.post(path, data=data, headers=headers)
            assert response.status_code == 400, path
            assert b"Session expired" in response.data
    assert client.get("/checkout/shipping").headers["Location"] == "/checkout/contact"  # nothing was saved


def test_the_whole_checkout_as_pages_with_tokens(app, client, shopper, make_product):
    form = shopper.ready(make_product("Lamp").id)  # every POST takes the token from its page
    assert form["csrf_token"]
    response = shopper.place(form, VISA)
    assert response.status_code == 303
    with app.app_context():
        assert db.session.query(Order).one().status == "paid"


def test_the_whole_checkout_as_fragments_with_the_header_token(app, client, shopper, make_product):
    shopper.add(make_product("Lamp").id)
    hx = {"HX-Request": "true", "X-CSRFToken": header_token(client, "/checkout/contact")}
    contact = client.post("/checkout/contact", data={"email": "a@example.com", "address_choice": "new", **ADDRESS},
                          headers=hx)
    assert contact.status_code == 204 and contact.headers["HX-Redirect"] == "/checkout/shipping"
    summary = client.post("/checkout/shipping", data={"method": "express", "update": "summary"}, headers=hx)
    assert summary.status_code == 200 and b'id="checkout-summary"' in summary.data
    shipping = client.post("/checkout/shipping", data={"method": "express"}, headers=hx)
    assert shipping.status_code == 204 and shipping.headers["HX-Redirect"] == "/checkout/review"
    review = client.get("/checkout/review", headers=hx)
    assert review.status_code == 200 and b"<html" not in review.data
    html = review.get_data(as_text=True)
    form = {"token": field_value(html, "token"), "quote": field_value(html, "quote"), "payment_method_nonce": VISA}
    assert field_value(html, "csrf_token")  # the fragment's own form carries the token too
    placed = client.post("/checkout/place", data=form, headers=hx)
    assert placed.status_code == 204 and placed.headers["HX-Redirect"].startswith("/checkout/confirmation/")
    status = client.get(placed.headers["HX-Redirect"], headers=hx)
    assert status.status_code == 200 and b'id="order-status"' in status.data and b"<html" not in status.data
