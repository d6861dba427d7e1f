"""The status machine: allowed moves happen with an event row each; illegal ones are refused with a domain
error and change nothing; two writers cannot both move an order from the same state."""
import pytest

from app.extensions import db
from app.orders.models import Order
from app.orders.status import TRANSITIONS, IllegalTransition, can_transition, transition


@pytest.fixture
def order(app):
    with app.app_context():
        order = Order(number="261129-TEST01", email="a@example.com", status="pending_payment", currency="USD",
                      subtotal=1000, shipping=0, tax=0, total=1000)
        db.session.add(order)
        db.session.commit()
        return order.id


def test_the_machine_matches_the_issue():
    assert can_transition("pending_payment", "authorized") and can_transition("authorized", "paid")
    assert can_transition("paid", "shipped") and can_transition("shipped", "delivered")
    assert can_transition("pending_payment", "payment_failed") and can_transition("pending_payment", "cancelled")
    assert can_transition("paid", "refunded") and can_transition("paid", "partially_refunded")
    assert TRANSITIONS["cancelled"] == set() and TRANSITIONS["refunded"] == set()


def test_a_transition_writes_an_event_with_time_reason_and_actor(app, order):
    with app.app_context():
        row = db.session.get(Order, order)
        transition(row, "paid", "Payment taken.", actor="gateway")
        db.session.commit()
        row = db.session.get(Order, order, populate_existing=True)
        assert row.status == "paid"
        [event] = row.events
        assert (event.from_status, event.to_status, event.reason, event.actor) == ("pending_payment", "paid",
                                                                                   "Payment taken.", "gateway")
        assert event.created_at is not None


@pytest.mark.parametrize("to", ["shipped", "delivered", "refunded", "partially_refunded"])
def test_illegal_transitions_are_refused_and_change_nothing(app, order, to):
    with app.app_context():
        row = db.session.get(Order, order)
        with pytest.raises(IllegalTransition) as refused:
            transition(row, to, "skip ahead")
        assert "cannot go from Awaiting payment" in str(refused.value)
        db.session.rollback()
        row = db.session.get(Order, order, populate_existing=True)
        assert row.status == "pending_payment" and row.events == []


def test_a_stale_writer_is_refused(app, order):
    """Two writers read the order awaiting payment; one cancels it; the other's conditional UPDATE finds no
    row in that state and is refused, instead of overwriting the cancellation."""
    with app.app_context():
        stale = db.session.get(Order, order)
        assert stale.status == "pending_payment"
        with app.app_context():  # another session, as another request would have
            other = db.session.get(Order, order)
            transition(other, "cancelled", "The shopper gave up.")
            db.session.commit()
        with pytest.raises(IllegalTransition):
            transition(stale, "paid", "A late payment answer.")
        db.session.rollback()
        assert db.session.get(Order, order, populate_existing=True).status == "cancelled"
