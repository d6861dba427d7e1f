"""Events recorded where they happen: product views, searches, adds to cart and checkout starts (queued
with a hashed per-visitor session key), order paid and refund (in the order's own transaction). No
personal data in any of them, and a failure to record never breaks the page."""
import re

from sqlalchemy import select, text

from app.analytics.models import Event
from app.extensions import db as _db
from app.orders.services import get_order, refund_recorded
from tests.commerce import VISA, order_row

SESSION = re.compile(r"[0-9a-f]{16}")


def events(app, kind=None):
    with app.app_context():
        query = select(Event).order_by(Event.id)
        if kind:
            query = query.where(Event.kind == kind)
        found = _db.session.execute(query).scalars().all()
        _db.session.expunge_all()
        return found


def test_a_product_view_is_recorded_with_the_product_and_a_hashed_session(app, client, make_product):
    lamp = make_product("Desk lamp")
    assert client.get(f"/products/{lamp.slug}").status_code == 200
    assert client.get(f"/products/{lamp.slug}").status_code == 200  # from the shared page cache: counted too
    views = events(app, "product_view")
    assert [(e.data["product_id"], e.data["slug"]) for e in views] == [(lamp.id, lamp.slug)] * 2
    assert SESSION.fullmatch(views[0].data["session"]) and views[0].data["session"] == views[1].data["session"]
    other = app.test_client()
    other.get(f"/products/{lamp.slug}")
    assert events(app, "product_view")[-1].data["session"] != views[0].data["session"]  # another visitor


def test_an_unknown_product_records_nothing(app, client):
    assert client.get("/products/no-such-thing").status_code == 404
    assert events(app, "product_view") == []


def test_add_to_cart_and_checkout_started_share_the_visitors_session(app, client, shopper, make_product):
    lamp = make_product("Lamp", price=2500, stock=5)
    client.get(f"/products/{lamp.slug}")
    shopper.add(lamp.id, 2)
    assert client.get("/checkout").status_code == 303
    [view], [added], [started] = events(app, "product_view"), events(app, "add_to_cart"), events(app, "checkout_started")
    assert (added.data["product_id"], added.data["quantity"]) == (lamp.id, 2)
    assert started.data["items"] == 2
    assert view.data["session"] == added.data["session"] == started.data["session"]


def test_a_refused_add_records_nothing(app, client, shopper, make_product):
    lamp = make_product("Lamp", stock=1)
    response = client.post("/cart/add", data={"product_id": lamp.id, "quantity": "5", "csrf_token": shopper.csrf()})
    assert response.status_code in (303, 422)
    assert events(app, "add_to_cart") == []


def test_order_paid_and_refund_are_recorded_with_the_order_and_nothing_personal(app, client, shopper, make_product):
    lamp = make_product("Lamp", price=2000, stock=5).id
    assert shopper.place(shopper.ready(lamp, 1, email="buyer@example.com"), VISA).status_code == 303
    order = order_row(app)
    [paid] = events(app, "order_paid")
    assert (paid.data["number"], paid.data["total"], paid.data["items"]) == (order.number, order.total, 1)
    with app.app_context():  # the refund event lives and dies with the refund's transaction
        refund_recorded(get_order(order.number), amount=500, actor="admin:1")
        _db.session.rollback()
        assert events(app, "refund") == []
        refund_recorded(get_order(order.number), amount=500, actor="admin:1")
        _db.session.commit()
    [refund] = events(app, "refund")
    assert (refund.data["number"], refund.data["amount"], refund.data["full"]) == (order.number, 500, False)
    everything = repr([e.data for e in events(app)])
    assert "buyer@example.com" not in everything and "Market Street" not in everything and "127.0.0.1" not in everything


def test_a_failure_to_record_never_breaks_the_page(app, client, make_product, caplog):
    lamp = make_product("Lamp")
    with app.app_context():
        _db.session.execute(text("ALTER TABLE analytics_events RENAME TO analytics_events_away"))
        _db.session.commit()
    try:
        assert client.get(f"/products/{lamp.slug}").status_code == 200
        assert client.get("/search?q=lamp").status_code == 200
    finally:
        with app.app_context():
            _db.session.execute(text("ALTER TABLE analytics_events_away RENAME TO analytics_events"))
            _db.session.commit()
    assert "could not write" in caplog.text
    assert events(app) == []
