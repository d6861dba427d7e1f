"""The order status machine, in one place.

    pending_payment ──> authorized ──> paid ──> shipped ──> delivered
          │  │  ╲__________________________↗      │            │
          │  │                                   ↓            ↓
          │  └──> payment_failed ──> (retry) pending_payment   refunded / partially_refunded
          └──> cancelled <── authorized (void) <── payment_failed

pending_payment goes straight to paid when the sale is captured at once (PAYMENT_CAPTURE=immediate).
Every change is a conditional UPDATE (`... WHERE status = <the status we read>`), so two writers (a
webhook and an admin, two tabs) can never both move the order from the same state, and every change
writes an OrderEvent with the time, the reason and who did it.
"""
from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value

from app.database import utcnow
from app.extensions import db
from app.orders.models import Order, OrderEvent

TRANSITIONS = {
    "pending_payment": {"authorized", "paid", "payment_failed", "cancelled"},
    "payment_failed": {"pending_payment", "cancelled"},
    "authorized": {"paid", "cancelled"},
    "paid": {"shipped", "refunded", "partially_refunded"},
    "partially_refunded": {"shipped", "partially_refunded", "refunded"},
    "shipped": {"delivered", "refunded", "partially_refunded"},
    "delivered": {"refunded", "partially_refunded"},
    "cancelled": set(),
    "refunded": set(),
}
STATUSES = tuple(TRANSITIONS)

# What a shopper (and the admin list) reads for each status.
LABELS = {
    "pending_payment": "Awaiting payment",
    "payment_failed": "Payment not completed",
    "authorized": "Payment authorized",
    "paid": "Paid",
    "partially_refunded": "Partly refunded",
    "shipped": "Shipped",
    "delivered": "Delivered",
    "cancelled": "Cancelled",
    "refunded": "Refunded",
}
# Orders whose payment is approved: the shop owes the goods.
PAID_STATUSES = ("authorized", "paid", "partially_refunded", "shipped", "delivered")


class OrderError(Exception):
    """Base for order errors; the message is safe to show."""


class IllegalTransition(OrderError):
    def __init__(self, number, from_status, to_status):
        self.number, self.from_status, self.to_status = number, from_status, to_status
        super().__init__(f"Order {number} cannot go from {LABELS.get(from_status, from_status)} "
                         f"to {LABELS.get(to_status, to_status)}.")


def can_transition(from_status, to_status):
    return to_status in TRANSITIONS.get(from_status, set())


def transition(order, to_status, reason, actor="system", now=None, **values):
    """Move `order` to `to_status` inside the caller's transaction (no commit), with its event row, and set
    any other `values` on the order in the same UPDATE. Raises IllegalTransition when the machine does not
    allow it, or when another writer changed the status since `order` was read."""
    from_status = order.status
    if not can_transition(from_status, to_status):
        raise IllegalTransition(order.number, from_status, to_status)
    now = now or utcnow()
    changed = db.session.execute(
        update(Order).where(Order.id == order.id, Order.status == from_status)
        .values(status=to_status, updated_at=now, **values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        db.session.refresh(order)
        raise IllegalTransition(order.number, from_status, to_status)
    for name, value in {"status": to_status, "updated_at": now, **values}.items():
        set_committed_value(order, name, value)  # what the UPDATE wrote, without reading the row again
    db.session.add(OrderEvent(order_id=order.id, kind="status", from_status=from_status, to_status=to_status,
                              reason=reason, actor=actor, created_at=now))
    return order


def add_event(order, kind, reason, actor="system", external_id=None, now=None):
    """A non-status event on the order (payment attempt, webhook, note), in the caller's transaction."""
    event = OrderEvent(order_id=order.id, kind=kind, reason=reason, actor=actor, external_id=external_id,
                       created_at=now or utcnow())
    db.session.add(event)
    return event
