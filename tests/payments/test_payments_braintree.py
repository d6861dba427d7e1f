"""Checkout with Braintree configured: the real SDK over HTTP against the gateway stand-in. One charge per
order whatever the shopper does; a lost answer (500, a timeout) leaves the order pending until reconcile
asks the gateway; Drop-in gets its client token and a CSP widened on the payment page only."""
import threading

import pytest

from app.extensions import db
from app.orders.models import Order
from app.payments.models import Payment
from tests.commerce import DECLINED_VISA, VISA, order_row, orders, stock_of
from tests.conftest import mail_text


@pytest.fixture
def app_config(standin, smtp_server):
    return {**standin.config, **smtp_server.config, "PAYMENT_UNKNOWN_WAIT_SECONDS": 0}


def test_the_review_page_loads_dropin_with_a_client_token_and_a_wider_csp(client, shopper, make_product, standin):
    shopper.ready(make_product("Lamp").id)
    contact_csp = client.get("/checkout/contact").headers["Content-Security-Policy"]
    assert "braintreegateway" not in contact_csp
    page = client.get("/checkout/review")
    html = page.get_data(as_text=True)
    assert 'id="dropin-container" data-client-token="' in html and "Test mode" not in html
    assert "/static/vendor/dropin.js" in html and "/static/js/checkout.js" in html and "<script>" not in html
    assert 'id="braintree-dropin-stylesheet"' in html
    assert "Card entry needs JavaScript" in html and '<noscript>' in html
    assert 'id="place-order" disabled' in html
    csp = page.headers["Content-Security-Policy"]
    assert "frame-src 'self' https://assets.braintreegateway.com" in csp
    assert "https://api.sandbox.braintreegateway.com" in csp and standin.url in csp
    assert "script-src 'self' https://js.braintreegateway.com https://assets.braintreegateway.com" in csp
    assert ("POST", f"/merchants/{standin.merchant_id}/client_token") in standin.requests


def test_without_a_client_token_the_page_says_card_payments_are_unavailable(client, shopper, make_product, standin):
    shopper.ready(make_product("Lamp").id)
    standin.always = "500"
    page = client.get("/checkout/review")
    assert "Card payments are unavailable right now" in page.get_data(as_text=True)
    assert "braintreegateway" not in page.headers["Content-Security-Policy"]


def test_a_sale_goes_to_the_gateway_with_the_order_number(app, client, shopper, make_product, standin, smtp_server):
    lamp = make_product("Lamp", price=1999, stock=5).id
    response = shopper.place(shopper.ready(lamp, 2), VISA)
    assert response.status_code == 303
    order = order_row(app)
    [charge] = standin.charges()
    assert charge.order_id == order.number and str(charge.amount) == "44.93"  # 39.98 + 4.95 shipping
    assert charge.status == "submitted_for_settlement"
    assert order.status == "paid" and order.payments[0].transaction_id == charge.id
    assert order.payments[0].method == "Visa ending 1111" and order.payments[0].provider == "braintree"
    [message] = smtp_server.wait_for(1)
    assert order.number in mail_text(message)


def test_double_submit_and_replay_make_one_order_and_one_charge(app, client, shopper, make_product, standin):
    lamp = make_product("Lamp", stock=5).id
    form = shopper.ready(lamp)
    clients = [client] + [app.test_client() for _ in range(4)]
    for other in clients[1:]:
        for name in ("session", "cart"):
            cookie = client.get_cookie(name)
            if cookie is not None:
                other.set_cookie(name, cookie.value)
    barrier, answers = threading.Barrier(len(clients)), []

    def click(c):
        barrier.wait(timeout=30)
        answers.append(c.post("/checkout/place", data={**form, "payment_method_nonce": VISA}))

    threads = [threading.Thread(target=click, args=(c,)) for c in clients]
    [t.start() for t in threads]
    [t.join(60) for t in threads]
    assert {a.status_code for a in answers} == {303}
    assert len({a.headers["Location"] for a in answers}) == 1
    replay = shopper.place(form, VISA)
    assert replay.headers["Location"] == answers[0].headers["Location"]
    assert len(orders(app)) == 1 and len(standin.charges()) == 1 and len(standin.sales()) == 1
    assert stock_of(app, lamp) == 4
    assert order_row(app).status == "paid"


def test_a_declined_card_then_a_good_one_charge_once(app, shopper, make_product, standin):
    lamp = make_product("Lamp", stock=5).id
    form = shopper.ready(lamp)
    declined = shopper.place(form, DECLINED_VISA)
    assert declined.status_code == 422 and "Your bank declined the payment." in declined.get_data(as_text=True)
    assert stock_of(app, lamp) == 5
    assert shopper.place(form, VISA).status_code == 303
    order = order_row(app)
    assert order.status == "paid" and len(standin.sales(order.number)) == 2 and len(standin.charges()) == 1


def test_a_500_leaves_the_order_pending_until_reconcile_finds_nothing_was_charged(app, client, runner, shopper,
                                                                                make_product, standin, smtp_server):
    lamp = make_product("Lamp", stock=5).id
    standin.next_sale = ["500"]
    response = shopper.place(shopper.ready(lamp), VISA)
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "We are confirming your payment" in page and "Please do not pay again" in page
    assert 'hx-trigger="every 3s"' in page
    order = order_row(app)
    assert order.status == "pending_payment" and order.payments[0].status == "pending" and stock_of(app, lamp) == 4
    result = runner.invoke(args=["payments", "reconcile"])
    assert result.exit_code == 0, result.output
    assert "paid 0, released 1" in result.output
    order = order_row(app)
    assert order.status == "payment_failed" and stock_of(app, lamp) == 5
    assert "Not found at the gateway" in order.payments[0].error
    [message] = smtp_server.wait_for(1) if False else [None]  # mail goes via the outbox: deliver it
    runner.invoke(args=["mail", "deliver"])
    [message] = smtp_server.wait_for(1)
    assert "the payment did not go through" in message["Subject"]
    fragment = client.get(response.headers["Location"], headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "The payment did not go through" in fragment and "every 3s" not in fragment


def test_a_timeout_after_the_charge_is_settled_by_reconcile_without_charging_again(app, client, runner, shopper,
                                                                                   make_product, standin, smtp_server):
    lamp = make_product("Lamp", stock=5).id
    standin.next_sale = ["slow_after_charge"]
    form = shopper.ready(lamp)
    response = shopper.place(form, VISA)
    assert response.status_code == 303 and order_row(app).status == "pending_payment"
    assert len(standin.charges()) == 1  # the gateway charged; we never heard
    again = shopper.place(form, VISA)  # the shopper tries again: the gateway is asked first
    assert again.status_code == 303
    order = order_row(app)
    assert order.status == "paid" and len(standin.charges()) == 1 and len(standin.sales()) == 1
    assert order.payments[0].transaction_id == standin.charges()[0].id
    assert runner.invoke(args=["payments", "reconcile"]).output.startswith("paid 0, released 0")
    smtp_server.wait_for(1)


def test_reconcile_settles_a_charge_whose_answer_was_lost(app, runner, shopper, make_product, standin, smtp_server):
    lamp = make_product("Lamp", stock=5).id
    standin.next_sale = ["slow_after_charge"]
    shopper.place(shopper.ready(lamp), VISA)
    result = runner.invoke(args=["payments", "reconcile"])
    assert "paid 1, released 0" in result.output
    order = order_row(app)
    assert order.status == "paid" and stock_of(app, lamp) == 4 and order.payments[0].status == "submitted"
    runner.invoke(args=["mail", "deliver"])
    assert smtp_server.wait_for(1)[0]["Subject"] == f"Your order {order.number} is confirmed"


def test_an_answer_lost_a_moment_ago_is_not_charged_again(app, shopper, make_product, standin):
    app.config["PAYMENT_UNKNOWN_WAIT_SECONDS"] = 120
    lamp = make_product("Lamp", stock=5).id
    standin.next_sale = ["500"]
    form = shopper.ready(lamp)
    shopper.place(form, VISA)
    again = shopper.place(form, VISA)
    assert again.status_code == 303 and "/checkout/confirmation/" in again.headers["Location"]
    assert len(standin.sales()) == 0 and order_row(app).status == "pending_payment"


def test_refused_credentials_fail_the_payment_and_say_so(app, shopper, make_product, standin):
    lamp = make_product("Lamp", stock=5).id
    form = shopper.ready(lamp)
    standin.always = "401"
    response = shopper.place(form, VISA)
    assert response.status_code == 422
    assert "Card payments are not working right now. No money was taken." in response.get_data(as_text=True)
    assert order_row(app).status == "payment_failed" and stock_of(app, lamp) == 5


def test_a_pending_order_past_its_hold_is_released_after_asking_the_gateway(app, runner, make_product, standin):
    from datetime import timedelta

    from app.cart.services import add_to_cart, create_guest_cart
    from app.database import utcnow
    from app.orders.placement import place_order
    from app.orders.pricing import PricingRules

    lamp = make_product("Lamp", stock=5).id
    with app.app_context():
        cart = create_guest_cart()
        add_to_cart(cart.id, lamp, 2)
        order = place_order(token="h" * 24, cart_id=cart.id, user_id=None, email="a@example.com",
                            address={"name": "A", "line1": "1", "city": "C", "postcode": "1", "country": "US"},
                            shipping_method="standard", seen=None, rules=PricingRules.from_config(app.config),
                            hold_minutes=30).order
        number = order.number
    assert stock_of(app, lamp) == 3
    assert "released 0" in runner.invoke(args=["payments", "reconcile"]).output  # still within its hold
    with app.app_context():
        db.session.execute(db.update(Order).values(hold_until=utcnow() - timedelta(minutes=1)))
        db.session.commit()
    assert "released 1" in runner.invoke(args=["payments", "reconcile"]).output
    assert order_row(app, number).status == "payment_failed" and stock_of(app, lamp) == 5
    assert ("POST", f"/merchants/{standin.merchant_id}/transactions/advanced_search_ids") in standin.requests


def test_reconcile_exits_non_zero_when_the_gateway_does_not_answer(app, runner, shopper, make_product, standin):
    standin.next_sale = ["500"]
    shopper.place(shopper.ready(make_product("Lamp").id), VISA)
    standin.always = "500"
    result = runner.invoke(args=["payments", "reconcile"])
    assert result.exit_code == 1 and "gateway unavailable 1" in result.output
    assert order_row(app).status == "pending_payment"
    with app.app_context():
        assert db.session.query(Payment).one().status == "pending"
