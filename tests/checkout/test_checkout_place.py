"""Placing an order in the offline test mode (the default without Braintree credentials): approved, declined
and then approved, what changed before any charge, sold out at the last moment, stale and replayed forms."""
import re

import pytest
from sqlalchemy import select

from app.analytics.models import Event
from app.cart.models import CartLine
from app.extensions import db
from app.orders.models import Order
from app.payments.models import Payment
from tests.commerce import DECLINED_VISA, VISA, order_row, orders, stock_of
from tests.conftest import mail_link, mail_text


@pytest.fixture
def app_config(smtp_server):
    return dict(smtp_server.config)


def cart_quantities(app):
    with app.app_context():
        return db.session.execute(select(CartLine.quantity).order_by(CartLine.id)).scalars().all()


def test_a_guest_buys_and_gets_the_confirmation_email_with_a_link(app, client, shopper, make_product, smtp_server):
    lamp = make_product("Lamp", price=2500, stock=5).id
    form = shopper.ready(lamp, 2, email="Gina@Example.com")
    response = shopper.place(form, VISA)
    assert response.status_code == 303
    number = response.headers["Location"].rsplit("/", 1)[1]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Thank you! Your order is confirmed." in page and number in page
    order = order_row(app, number)
    assert (order.status, order.total, order.email, order.stock_taken) == ("paid", 5000, "gina@example.com", True)
    [payment] = order.payments
    assert (payment.provider, payment.status, payment.amount, payment.method) == ("test", "submitted", 5000,
                                                                                  "Visa ending 1111")
    assert [e.to_status for e in order.events if e.kind == "status"] == ["pending_payment", "paid"]
    assert stock_of(app, lamp) == 3 and cart_quantities(app) == []
    with app.app_context():
        kinds = db.session.execute(select(Event.kind)).scalars().all()
        assert "order_paid" in kinds
    [message] = smtp_server.wait_for(1)
    assert message["Subject"] == f"Your order {number} is confirmed" and "gina@example.com" in message["To"]
    text = mail_text(message)
    assert "2 × Lamp" in text and "$50.00" in text
    link = mail_link(message)
    assert link.startswith(f"http://localhost/orders/{number}?key=")
    stranger = app.test_client()
    shown = stranger.get(link.removeprefix("http://localhost"))
    assert shown.status_code == 200 and number in shown.get_data(as_text=True)
    # the checkout is over: a reload of the review finds no cart to check out
    assert client.get("/checkout/review").headers["Location"] == "/cart"


def test_a_decline_keeps_the_cart_returns_stock_and_another_card_pays_the_same_order(app, client, shopper, make_product):
    lamp = make_product("Lamp", price=2500, stock=5).id
    form = shopper.ready(lamp, 2)
    declined = shopper.place(form, DECLINED_VISA)
    assert declined.status_code == 422
    html = declined.get_data(as_text=True)
    assert "the payment did not go through. Your bank declined the payment. No money was taken." in html
    [(number, status, _total)] = orders(app)
    assert status == "payment_failed" and stock_of(app, lamp) == 5 and cart_quantities(app) == [2]
    assert field_token(html) == form["token"]  # the same form: another card pays the same order
    paid = shopper.place(form, VISA)
    assert paid.status_code == 303 and paid.headers["Location"].endswith(number)
    order = order_row(app, number)
    assert order.status == "paid" and stock_of(app, lamp) == 3 and cart_quantities(app) == []
    assert [p.status for p in order.payments] == ["declined", "submitted"]
    assert [e.to_status for e in order.events if e.kind == "status"] == [
        "pending_payment", "payment_failed", "pending_payment", "paid"]


def field_token(html):
    return re.search(r'name="token"[^>]*value="([^"]+)"', html).group(1)


@pytest.mark.parametrize("nonce, words", [
    ("fake-gateway-rejected-fraud-nonce", "We could not accept this card."),
    ("fake-luhn-invalid-nonce", "The card number is not valid."),
    ("fake-consumed-nonce", "This card entry was already used."),
    ("fake-processor-failure-jcb-nonce", "The card network did not answer."),
    ("no-such-nonce", "The card entry has expired."),
])
def test_every_refusal_is_told_in_plain_words(app, shopper, make_product, nonce, words):
    lamp = make_product("Lamp", stock=5).id
    response = shopper.place(shopper.ready(lamp), nonce)
    assert response.status_code == 422 and words in response.get_data(as_text=True)
    assert "No money was taken" in response.get_data(as_text=True)
    assert stock_of(app, lamp) == 5 and orders(app)[0][1] == "payment_failed"


def test_a_replayed_or_repeated_form_never_charges_twice(app, client, shopper, make_product):
    lamp = make_product("Lamp", stock=5).id
    form = shopper.ready(lamp)
    first = shopper.place(form, VISA)
    again = shopper.place(form, VISA)
    assert again.status_code == 303 and again.headers["Location"] == first.headers["Location"]
    with app.app_context():
        assert db.session.query(Order).count() == 1 and db.session.query(Payment).count() == 1
    assert stock_of(app, lamp) == 4


def test_a_retry_after_a_lost_answer_finds_the_order_not_an_empty_cart(app, client, shopper, make_product):
    # The answer to "place order" (and the cookie in it that names the order) never reached the browser;
    # the shopper presses again with the session the review form came from.
    lamp = make_product("Lamp", stock=5).id
    form = shopper.ready(lamp)
    name = app.config["SESSION_COOKIE_NAME"]
    before = client.get_cookie(name).value
    first = shopper.place(form, VISA)
    client.set_cookie(name, before)
    again = shopper.place(form, VISA)
    assert again.status_code == 303 and again.headers["Location"] == first.headers["Location"]
    assert client.get(again.headers["Location"]).status_code == 200  # the confirmation, not the cart
    with app.app_context():
        assert db.session.query(Order).count() == 1 and db.session.query(Payment).count() == 1


def test_what_changed_is_shown_before_any_charge(app, client, shopper, make_product):
    lamp = make_product("Lamp", price=2500, stock=5).id
    form = shopper.ready(lamp)
    with app.app_context():
        from app.catalog.services import update_product

        update_product(lamp, price=2900)
    response = shopper.place(form, VISA)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Your order changed since you looked at it." in html and "Nothing was charged." in html
    assert "The price of Lamp went up: $29.00 each (was $25.00)." in html
    assert orders(app) == [] and stock_of(app, lamp) == 5
    fresh = {"token": field_token(html), "quote": re.search(r'name="quote"[^>]*value="([^"]+)"', html).group(1),
             "csrf_token": ""}
    placed = shopper.place(fresh, VISA)
    assert placed.status_code == 303 and orders(app)[0][1:] == ("paid", 2900 + 495)


def test_sold_out_at_the_last_moment_goes_back_to_the_cart(app, client, shopper, make_product):
    lamp = make_product("Lamp", stock=1).id
    form = shopper.ready(lamp)
    with app.app_context():
        from app.catalog.services import update_product

        update_product(lamp, stock=0)
    response = shopper.place(form, VISA)
    assert response.status_code == 303 and response.headers["Location"] == "/cart"
    assert "Lamp is sold out. Remove it to check out." in client.get("/cart").get_data(as_text=True)
    assert orders(app) == []


def test_a_form_from_an_older_review_is_refused(client, shopper, make_product):
    lamp = make_product("Lamp", stock=5).id
    form = shopper.ready(lamp)
    shopper.shipping("express")  # changing the shipping method makes a new order form
    response = shopper.place(form, VISA)
    assert response.status_code == 422 and "This page was out of date" in response.get_data(as_text=True)


def test_a_missing_payment_choice_is_refused(client, shopper, make_product):
    form = shopper.ready(make_product("Lamp").id)
    response = shopper.place(form, "")
    assert response.status_code == 422 and "Choose how to pay." in response.get_data(as_text=True)


def test_placing_as_a_fragment(app, client, shopper, make_product):
    lamp = make_product("Lamp", stock=5).id
    form = shopper.ready(lamp)
    declined = shopper.place(form, DECLINED_VISA, headers={"HX-Request": "true"})
    assert declined.status_code == 422 and b"<html" not in declined.data and b'id="checkout-review"' in declined.data
    paid = shopper.place(form, VISA, headers={"HX-Request": "true"})
    assert paid.status_code == 204 and paid.headers["HX-Redirect"].startswith("/checkout/confirmation/")


def test_manual_capture_only_authorizes(app, client, shopper, make_product, smtp_server):
    app.config["PAYMENT_CAPTURE"] = "manual"
    lamp = make_product("Lamp", stock=5).id
    response = shopper.place(shopper.ready(lamp), VISA)
    assert response.status_code == 303
    order = order_row(app)
    assert order.status == "authorized" and order.payments[0].status == "authorized"
    assert "taken when we pack your order" in client.get(response.headers["Location"]).get_data(as_text=True)
    [message] = smtp_server.wait_for(1)
    assert message["Subject"] == f"We have your order {order.number}"


def test_the_confirmation_is_only_for_its_shopper(app, client, shopper, make_product):
    response = shopper.place(shopper.ready(make_product("Lamp").id), VISA)
    path = response.headers["Location"]
    assert client.get(path).status_code == 200
    assert app.test_client().get(path).status_code == 404
    assert client.get("/checkout/confirmation/261129-NOSUCH").status_code == 404

