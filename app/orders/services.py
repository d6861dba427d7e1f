"""What happens to an order after it is placed: payment outcomes, shipping, cancelling, refunds recorded,
and the lookups for order pages. Explicit arguments, domain errors (app.orders.status), no request.

The payment-outcome functions work inside the caller's transaction (app.payments commits them together
with its payment record); the admin actions at the bottom run their own.
"""
from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from app.analytics.services import record_event
from app.cart.services import take_ordered_lines
from app.database import utcnow
from app.extensions import db
from app.money import format_money
from app.orders.models import Order
from app.orders.notify import queue_order_email
from app.orders.status import PAID_STATUSES, OrderError, add_event, transition
from app.orders.stock import refresh_search, return_stock


class OrderNotFound(OrderError):
    def __init__(self):
        super().__init__("No such order.")


# --- lookups ---------------------------------------------------------------------------------------------

def order_by_number(number):
    if not isinstance(number, str) or len(number) > 20:
        return None
    return db.session.execute(
        select(Order).where(Order.number == number)
        .options(selectinload(Order.lines), selectinload(Order.events))
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()


def get_order(number):
    order = order_by_number(number)
    if order is None:
        raise OrderNotFound()
    return order


def orders_of_user(user_id, limit=100):
    return db.session.execute(
        select(Order).where(Order.user_id == user_id).options(selectinload(Order.lines))
        .order_by(Order.created_at.desc(), Order.id.desc()).limit(limit)
    ).scalars().all()


def attach_guest_orders(user_id, email):
    """A shopper verified `email`: the orders placed with it as a guest join their account. In the
    caller's transaction; returns how many joined."""
    return db.session.execute(
        update(Order).where(Order.user_id.is_(None), func.lower(Order.email) == (email or "").strip().lower())
        .values(user_id=user_id).execution_options(synchronize_session=False)
    ).rowcount


# --- payment outcomes (caller's transaction) ----------------------------------------------------------------

def payment_approved(order, *, captured, method, actor="gateway", now=None):
    """The gateway approved the payment: paid (or authorized), the ordered lines leave the cart, the
    confirmation is queued. Nothing happens for an order that is already past payment."""
    if order.status in PAID_STATUSES:
        return False
    with db.session.no_autoflush:
        # The mail is rendered (and its SMS consent read) before this transaction's first write: on SQLite
        # the database takes one writer at a time, from its first write to its commit, so the writes
        # below follow each other without rendering in between.
        queue_order_email(order, "order_confirmation" if captured else "order_authorized")
    how = "taken" if captured else "authorized (capture it from the admin)"
    transition(order, "paid" if captured else "authorized", f"Payment {how}: {method or 'card'}.", actor=actor,
               now=now, hold_until=None, payment_message="")
    if order.cart_id is not None:
        take_ordered_lines(order.cart_id, {line.product_id: line.quantity for line in order.lines if line.product_id})
    record_event("order_paid", {"number": order.number, "total": order.total, "currency": order.currency,
                                "items": order.item_count, "captured": captured}, user_id=order.user_id)
    return True


def payment_failed(order, *, message, reason, actor="gateway", notify=False, now=None):
    """Declined, rejected or never completed: payment_failed, the stock goes back, the cart stays as it is.
    `message` is what the shopper reads; `notify` also mails it (when they are no longer on the page)."""
    transition(order, "payment_failed", reason, actor=actor, now=now, hold_until=None, payment_message=message)
    return_stock(order)
    if notify:
        queue_order_email(order, "order_payment_not_completed", reason=message)
    record_event("payment_failed", {"number": order.number, "reason": reason[:200]}, user_id=order.user_id)


def payment_unknown(order, reason):
    add_event(order, "payment", reason, actor="gateway")


def payment_captured(order, *, actor, method=""):
    transition(order, "paid", f"Payment captured{': ' + method if method else ''}.", actor=actor)


def order_cancelled(order, *, reason, actor, was_authorized=False, notify=True):
    transition(order, "cancelled", reason, actor=actor, hold_until=None)
    return_stock(order)
    if notify:
        queue_order_email(order, "order_cancelled", reason=reason, was_authorized=was_authorized)


def refund_recorded(order, *, amount, actor, reason=""):
    refunded = order.refunded + amount
    if refunded > order.total:
        raise OrderError(f"That would refund more than is left ({format_money(order.total - order.refunded, order.currency)}).")
    to = "refunded" if refunded == order.total else "partially_refunded"
    transition(order, to, reason or f"Refunded {format_money(amount, order.currency)}.", actor=actor,
               refunded=refunded)
    queue_order_email(order, "order_refunded", amount=amount)
    record_event("refund", {"number": order.number, "amount": amount, "currency": order.currency,
                            "full": refunded == order.total}, user_id=order.user_id)


# --- admin actions without the gateway (own transaction) ------------------------------------------------------

def ship_order(number, *, actor, tracking="", note=""):
    """Mark an order shipped, with the carrier's tracking number when there is one (a letter may have
    none); the shopper's email (through the outbox) carries both."""
    order = get_order(number)
    reason = "Shipped" + (f", tracking {tracking}" if tracking else "") + (f": {note}" if note else ".")
    transition(order, "shipped", reason, actor=actor)
    order.tracking_number = tracking
    queue_order_email(order, "order_shipped", note=note)
    db.session.commit()
    return order


def deliver_order(number, *, actor):
    order = get_order(number)
    transition(order, "delivered", "Delivered.", actor=actor)
    db.session.commit()
    return order


def cancel_unpaid_order(number, *, actor, reason="Cancelled by the shop."):
    """Cancel an order nobody has paid for (awaiting payment or failed). An authorized order is cancelled
    through app.payments (its authorization is voided first)."""
    order = get_order(number)
    if order.status == "pending_payment" and any(p.status == "pending" for p in order.payments):
        raise OrderError("A payment for this order may still be in progress: run `flask payments reconcile` first.")
    order_cancelled(order, reason=reason, actor=actor, notify=order.status == "pending_payment")
    db.session.commit()
    refresh_search()
    return order


def add_note(number, *, actor, text):
    order = get_order(number)
    add_event(order, "note", text, actor=actor, now=utcnow())
    db.session.commit()
    return order
