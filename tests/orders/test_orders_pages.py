"""Order pages: a member's history and orders, someone else's order as a 404, a guest's signed link (and a
tampered one refused), and guest orders joining the account when the same email is verified."""
import re

import pytest

from app.orders.links import guest_key
from tests.commerce import VISA, Shopper, order_row
from tests.conftest import mail_link

HX = {"HX-Request": "true"}


@pytest.fixture
def app_config(smtp_server):
    return dict(smtp_server.config)


def buy(shopper, make_product, email="guest@example.com"):
    response = shopper.place(shopper.ready(make_product("Lamp", price=1200).id, email=email), VISA)
    assert response.status_code == 303
    return response.headers["Location"].rsplit("/", 1)[1]


def test_a_member_sees_their_orders_and_no_one_elses(app, client, auth, shopper, make_product):
    auth.create_user("mia@example.com")
    auth.create_user("other@example.com")
    auth.login("mia@example.com")
    mine = buy(shopper, make_product)
    auth.logout()
    auth.login("other@example.com")
    theirs = buy(shopper, make_product)
    history = client.get("/orders").get_data(as_text=True)
    assert theirs in history and mine not in history
    assert client.get(f"/orders/{theirs}").status_code == 200
    assert client.get(f"/orders/{mine}").status_code == 404
    assert client.get("/orders/261129-NOSUCH").status_code == 404
    fragment = client.get("/orders", headers=HX)
    assert fragment.status_code == 200 and b"<html" not in fragment.data and b'id="order-list"' in fragment.data
    detail = client.get(f"/orders/{theirs}", headers=HX)
    assert b"<html" not in detail.data and b'id="order-detail"' in detail.data
    page = client.get(f"/orders/{theirs}")
    assert page.headers["Cache-Control"] == "no-store" and "Cookie" in page.headers["Vary"]
    assert "Paid" in page.get_data(as_text=True)


def test_anonymous_visitors_are_asked_to_log_in_for_a_member_link(app, client):
    response = client.get("/orders/261129-ANYONE")
    assert response.status_code == 302 and "/login?next=" in response.headers["Location"]
    assert client.get("/orders").status_code == 302


def test_a_guest_link_opens_its_order_and_a_tampered_one_does_not(app, client, shopper, make_product, smtp_server):
    number = buy(shopper, make_product)
    [message] = smtp_server.wait_for(1)
    link = mail_link(message).removeprefix("http://localhost")
    visitor = app.test_client()
    assert visitor.get(link).status_code == 200
    key = link.split("key=", 1)[1]
    tampered = key[:-2] + ("AA" if not key.endswith("AA") else "BB")
    assert visitor.get(f"/orders/{number}?key={tampered}").status_code == 404
    other = buy(Shopper(app.test_client()), make_product, email="someone@example.com")
    assert visitor.get(f"/orders/{other}?key={key}").status_code == 404  # a key opens its own order only
    with app.app_context():
        forged = guest_key(order_row(app, other)).replace(".", "x.", 1)
    assert visitor.get(f"/orders/{other}?key={forged}").status_code == 404


def test_guest_orders_join_the_account_when_the_email_is_verified(app, client, auth, shopper, make_product, smtp_server):
    number = buy(shopper, make_product, email="pat@example.com")
    smtp_server.wait_for(1)
    auth.register(email="Pat@Example.com", password="tangerine orbit velvet", name="Pat")
    verify = smtp_server.wait_for(2)[1]
    auth.login("pat@example.com", password="tangerine orbit velvet")
    assert number not in client.get("/orders").get_data(as_text=True)  # not before the address is proven
    client.get(mail_link(verify).removeprefix("http://localhost"))
    history = client.get("/orders").get_data(as_text=True)
    assert re.search(rf'id="order-{number}"', history)
    assert client.get(f"/orders/{number}").status_code == 200
