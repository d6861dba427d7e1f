"""place_order against the real database (SQLite, or PostgreSQL with TEST_DATABASE_URL): one order per
review form, stock taken by conditional UPDATE in the order's transaction and recorded in the product
change log, nothing half-made when a line cannot be had, and the shopper told when prices changed."""
import threading

import pytest
from sqlalchemy import func, select

from app.cart.services import add_to_cart, create_guest_cart
from app.catalog.models import Product, ProductChange
from app.catalog.services import update_product
from app.extensions import db
from app.orders.models import Order
from app.orders.placement import CartEmpty, CartNotOrderable, QuoteChanged, place_order, quote_for_cart
from app.orders.pricing import PricingRules
from app.orders.stock import OutOfStock, return_stock

ADDRESS = {"name": "Gina", "line1": "1 Road", "city": "Town", "postcode": "123", "country": "US", "region": "CA"}


def place(app, cart_id, token="t" * 24, seen=None, **extra):
    rules = PricingRules.from_config(app.config)
    values = dict(token=token, cart_id=cart_id, user_id=None, email="Gina@Example.com", address=ADDRESS,
                  shipping_method="standard", seen=seen, rules=rules, hold_minutes=30)
    values.update(extra)
    return place_order(**values)


def cart_with(app, *items):
    with app.app_context():
        cart = create_guest_cart()
        for product_id, quantity in items:
            add_to_cart(cart.id, product_id, quantity)
        return cart.id


def test_an_order_snapshots_lines_and_takes_stock(app, make_product):
    lamp = make_product("Lamp", price=2500, stock=5).id
    mug = make_product("Mug", price=900, stock=3).id
    cart_id = cart_with(app, (lamp, 2), (mug, 1))
    with app.app_context():
        changes_before = db.session.execute(select(func.count(ProductChange.id))).scalar_one()
        placement = place(app, cart_id)
        order = placement.order
        assert placement.outcome == "placed"
        assert order.status == "pending_payment" and order.stock_taken and order.email == "gina@example.com"
        assert [(l.name, l.unit_price, l.quantity, l.line_total) for l in order.lines] == [
            ("Lamp", 2500, 2, 5000), ("Mug", 900, 1, 900)]
        assert (order.subtotal, order.shipping, order.tax, order.total) == (5900, 0, 0, 5900)
        assert order.shipping_method == "standard" and order.ship_country == "US" and order.hold_until is not None
        assert len(order.number) == 13 and order.number[6] == "-"
        assert [db.session.get(Product, p).stock for p in (lamp, mug)] == [3, 2]
        changes_after = db.session.execute(select(func.count(ProductChange.id))).scalar_one()
        assert changes_after == changes_before + 2  # the search index's in-stock filter follows
        assert [e.to_status for e in order.events] == ["pending_payment"]


def test_the_same_form_makes_one_order(app, make_product):
    lamp = make_product("Lamp", stock=5).id
    cart_id = cart_with(app, (lamp, 1))
    with app.app_context():
        first = place(app, cart_id).order
        again = place(app, cart_id)
        assert again.outcome == "existing" and again.order.id == first.id
        assert db.session.execute(select(func.count(Order.id))).scalar_one() == 1
        assert db.session.get(Product, lamp).stock == 4


def test_concurrent_submits_of_one_form_make_one_order(app, make_product):
    lamp = make_product("Lamp", stock=50).id
    cart_id = cart_with(app, (lamp, 1))
    barrier, results = threading.Barrier(6), []

    def submit():
        with app.app_context():
            barrier.wait(timeout=30)
            try:
                results.append(place(app, cart_id).order.id)
            except Exception as error:  # noqa: BLE001 — collected for the assertion
                db.session.rollback()
                results.append(error)

    threads = [threading.Thread(target=submit) for _ in range(6)]
    [t.start() for t in threads]
    [t.join(60) for t in threads]
    assert len(set(results)) == 1 and isinstance(results[0], int), results
    with app.app_context():
        assert db.session.get(Product, lamp).stock == 49


def test_buyers_of_the_last_items_never_take_stock_below_zero(app, make_product):
    lamp = make_product("Lamp", stock=3).id
    carts = [cart_with(app, (lamp, 1)) for _ in range(8)]
    barrier, results = threading.Barrier(8), []

    def buy(i):
        with app.app_context():
            barrier.wait(timeout=30)
            try:
                results.append(place(app, carts[i], token=f"token-{i:02d}-" + "x" * 16).outcome)
            except OutOfStock as error:
                results.append(error)

    threads = [threading.Thread(target=buy, args=(i,)) for i in range(8)]
    [t.start() for t in threads]
    [t.join(60) for t in threads]
    assert results.count("placed") == 3
    assert all(isinstance(r, OutOfStock) for r in results if r != "placed")
    with app.app_context():
        assert db.session.get(Product, lamp).stock == 0
        assert db.session.execute(select(func.count(Order.id))).scalar_one() == 3


def test_a_line_out_of_stock_leaves_nothing_behind(app, make_product):
    lamp = make_product("Lamp", stock=5).id
    mug = make_product("Mug", stock=5).id
    cart_id = cart_with(app, (lamp, 1), (mug, 2))
    with app.app_context():
        db.session.execute(db.update(Product).where(Product.id == mug).values(stock=1))  # sold elsewhere
        db.session.commit()
        with pytest.raises(CartNotOrderable):
            place(app, cart_id)  # the cart check already sees it
    with app.app_context():
        # ... and if it sells between the check and the UPDATE, the conditional UPDATE refuses.
        from app.orders import placement

        real = placement.checked_cart

        def stale_check(cart_id):
            cart = real(cart_id)
            db.session.execute(db.update(Product).where(Product.id == mug).values(stock=0))
            return cart

        db.session.execute(db.update(Product).where(Product.id == mug).values(stock=2))
        db.session.commit()
        placement.checked_cart = stale_check
        try:
            with pytest.raises(OutOfStock) as refused:
                place(app, cart_id)
        finally:
            placement.checked_cart = real
        assert "Mug has just sold out" in str(refused.value)
        assert db.session.execute(select(func.count(Order.id))).scalar_one() == 0
        assert db.session.get(Product, lamp, populate_existing=True).stock == 5  # rolled back with the order


def test_a_price_change_since_the_review_is_shown_not_charged(app, make_product):
    lamp = make_product("Lamp", price=2500, stock=5).id
    cart_id = cart_with(app, (lamp, 1))
    with app.app_context():
        from app.cart.summary import load_cart

        seen = quote_for_cart(load_cart(cart_id), PricingRules.from_config(app.config), "standard", ADDRESS).compact()
        update_product(lamp, price=2750)
        with pytest.raises(QuoteChanged) as changed:
            place(app, cart_id, seen=seen)
        assert "The price of Lamp went up: $27.50 each (was $25.00)." in changed.value.changes
        assert changed.value.quote.subtotal == 2750
        assert db.session.execute(select(func.count(Order.id))).scalar_one() == 0
        assert place(app, cart_id, seen=changed.value.quote.compact()).outcome == "placed"


def test_an_empty_cart_places_nothing(app):
    cart_id = cart_with(app)
    with app.app_context(), pytest.raises(CartEmpty):
        place(app, cart_id)


def test_stock_comes_back_exactly_once(app, make_product):
    lamp = make_product("Lamp", stock=5).id
    cart_id = cart_with(app, (lamp, 2))
    with app.app_context():
        order = place(app, cart_id).order
        assert return_stock(order) is True
        assert return_stock(order) is False
        db.session.commit()
        assert db.session.get(Product, lamp).stock == 5


def in_stock_in_index(app, product_id):
    from whoosh.query import Term

    from app.search.index_store import open_live_index

    with open_live_index(app.config["SEARCH_INDEX_DIR"])[1].searcher() as searcher:
        return bool(searcher.search(Term("pid", str(product_id)) & Term("in_stock", True)).scored_length())


def test_the_search_index_stops_offering_a_product_the_moment_it_sells_out(app, make_product):
    from app.catalog.search_feed import CatalogFeed
    from app.search.indexing import rebuild_index

    lamp = make_product("Lamp", stock=3).id
    mug = make_product("Mug", stock=50).id
    with app.app_context():
        rebuild_index(app.config["SEARCH_INDEX_DIR"], CatalogFeed())
    assert in_stock_in_index(app, lamp)
    with app.app_context():
        place(app, cart_with(app, (mug, 1)), token="m" * 24)  # stock 50 -> 49: no index write in the request
        place(app, cart_with(app, (lamp, 3)))  # 3 -> 0: the index follows at once
    assert not in_stock_in_index(app, lamp) and in_stock_in_index(app, mug)
    with app.app_context():
        order = db.session.execute(select(Order).where(Order.idempotency_key == "t" * 24)).scalar_one()
        return_stock(order)
        db.session.commit()
        from app.orders.stock import refresh_search

        refresh_search()
    assert in_stock_in_index(app, lamp)
