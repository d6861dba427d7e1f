"""Concurrency against the real database (SQLite by default, PostgreSQL with TEST_DATABASE_URL): threads
with their own sessions and connections, released together by a barrier."""
import threading

from sqlalchemy import func, select

from app.auth.models import User
from app.cart.merge import merge_guest_cart
from app.cart.models import Cart, CartLine
from app.cart.services import (
    QuantityUnavailable,
    add_to_cart,
    create_guest_cart,
    get_or_create_member_cart,
)
from app.extensions import db as _db

THREADS = 8


def run_together(app, work, count=THREADS):
    """Run work(i) in `count` threads, each in its own app context (so its own session); return the
    results, with exceptions returned rather than raised."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def run(i):
        with app.app_context():
            barrier.wait(timeout=30)
            try:
                results[i] = work(i)
            except Exception as error:  # noqa: BLE001 — collected for the assertions
                _db.session.rollback()
                results[i] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_tabs_adding_the_same_product_at_once_make_one_line(app, make_product):
    product_id = make_product(stock=50).id
    with app.app_context():
        cart_id = create_guest_cart().id

    results = run_together(app, lambda i: add_to_cart(cart_id, product_id, 2).id)

    assert all(isinstance(result, int) for result in results), results
    assert len(set(results)) == 1
    with app.app_context():
        lines = _db.session.execute(select(CartLine).where(CartLine.cart_id == cart_id)).scalars().all()
        assert [line.quantity for line in lines] == [2 * THREADS]


def test_concurrent_adds_never_pass_the_cap(app, make_product):
    product_id = make_product(stock=5).id
    with app.app_context():
        cart_id = create_guest_cart().id

    results = run_together(app, lambda i: add_to_cart(cart_id, product_id, 1).quantity)

    refused = [r for r in results if isinstance(r, QuantityUnavailable)]
    accepted = [r for r in results if isinstance(r, int)]
    assert len(accepted) == 5 and len(refused) == THREADS - 5, results
    with app.app_context():
        total = _db.session.execute(select(func.sum(CartLine.quantity)).where(CartLine.cart_id == cart_id)).scalar_one()
        assert total == 5


def test_first_adds_of_a_member_make_one_cart(app, make_user):
    user_id = make_user()
    results = run_together(app, lambda i: get_or_create_member_cart(user_id).id)
    assert len(set(results)) == 1 and isinstance(results[0], int), results
    with app.app_context():
        assert _db.session.execute(select(func.count(Cart.id)).where(Cart.user_id == user_id)).scalar_one() == 1


def test_repeated_logins_at_once_merge_the_guest_cart_once(app, make_user, make_product):
    user_id = make_user()
    product_id = make_product(stock=50).id
    with app.app_context():
        guest = create_guest_cart()
        add_to_cart(guest.id, product_id, 3)
        token = guest.token
        assert _db.session.get(User, user_id) is not None

    results = run_together(app, lambda i: merge_guest_cart(token, user_id), count=4)

    reports = [r for r in results if r is not None]
    assert len(reports) == 1 and not isinstance(reports[0], Exception), results
    with app.app_context():
        member = _db.session.execute(select(Cart).where(Cart.user_id == user_id)).scalar_one()
        assert [line.quantity for line in member.lines] == [3]
