"""`flask payments reconcile`: settle what the shop does not know yet, by asking the gateway.

- An order awaiting payment whose attempt got no answer (timeout, 5xx): the gateway is searched for the
  order number; an approved sale found there makes the order paid (the confirmation goes out); if none is
  found once PAYMENT_UNKNOWN_WAIT_SECONDS have passed, nothing was charged: payment_failed, stock back,
  and the shopper is told by email.
- An order awaiting payment past its hold (PAYMENT_HOLD_MINUTES) with no attempt in flight: asked the
  same way, then released (payment_failed, stock back) unless the gateway has a sale for it.
Run it every few minutes from cron; it is safe to run twice at once (each change is conditional).
"""
import logging
from collections import Counter

from sqlalchemy import or_, select

from app.database import utcnow
from app.extensions import db
from app.orders.models import Order
from app.payments.models import Payment
from app.payments.services import settle_unanswered

log = logging.getLogger(__name__)


def orders_to_reconcile(now):
    has_pending = select(Payment.order_id).where(Payment.status == "pending", Payment.kind == "sale")
    return db.session.execute(
        select(Order).where(Order.status == "pending_payment",
                            or_(Order.id.in_(has_pending), Order.hold_until < now))
        .order_by(Order.id)
    ).scalars().all()


def reconcile(gateway, *, settings, now=None):
    """Returns a Counter of outcomes: approved, failed, waiting, unavailable. An order with no attempt in
    flight (only past its hold) is not waited for: nothing can be on its way to the gateway."""
    now = now or utcnow()
    counts = Counter()
    for order in orders_to_reconcile(now):
        outcome = settle_unanswered(order, gateway, settings, now, notify=True)
        counts[outcome] += 1
        log.info("reconcile: order %s -> %s", order.number, outcome)
    return counts
