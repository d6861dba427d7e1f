"""The admin's payment actions: capture an authorized payment, cancel an authorized order (void), refund.

Each writes its Payment row (refunds) or updates it, and changes the order through app.orders in the
same transaction. A refund row is committed as "pending" before the gateway is called, like a sale.
"""
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.money import format_money
from app.orders.services import get_order, order_cancelled, payment_captured, refund_recorded
from app.orders.status import OrderError
from app.orders.stock import refresh_search
from app.payments.gateway import GatewayRefused, GatewayUnavailable
from app.payments.models import Payment


class PaymentActionFailed(OrderError):
    pass


def approved_sale(order):
    return db.session.execute(
        select(Payment).where(Payment.order_id == order.id, Payment.kind == "sale",
                              Payment.status.in_(("authorized", "submitted", "settled")))
        .order_by(Payment.id.desc())
    ).scalars().first()


def _ask(call, *args):
    try:
        return call(*args)
    except GatewayUnavailable as error:
        raise PaymentActionFailed(f"The payment service did not answer ({error}). Nothing changed; try again.") from error
    except GatewayRefused as error:
        raise PaymentActionFailed(f"The payment service refused the request ({error}). Check the credentials.") from error


def capture(number, *, gateway, actor):
    order = get_order(number)
    sale = approved_sale(order)
    if order.status != "authorized" or sale is None or sale.status != "authorized":
        raise PaymentActionFailed("Only an authorized payment can be captured.")
    result = _ask(gateway.submit_for_settlement, sale.transaction_id)
    if not result.success:
        raise PaymentActionFailed(f"The payment service would not capture it: {result.code} {result.message}")
    sale.status, sale.gateway_status = "submitted", result.transaction.status
    payment_captured(order, actor=actor, method=sale.method)
    db.session.commit()
    return order


def cancel_authorized(number, *, gateway, actor, reason="Cancelled by the shop."):
    """Void the authorization, then cancel the order (its stock goes back)."""
    order = get_order(number)
    sale = approved_sale(order)
    if order.status != "authorized" or sale is None:
        raise PaymentActionFailed("Only an order with an authorized payment is cancelled here.")
    result = _ask(gateway.void, sale.transaction_id)
    if not result.success:
        raise PaymentActionFailed(f"The payment service would not void it: {result.code} {result.message}")
    sale.status, sale.gateway_status = "voided", result.transaction.status
    order_cancelled(order, reason=reason, actor=actor, was_authorized=True)
    db.session.commit()
    refresh_search()
    return order


def refund(number, *, amount, gateway, actor, request_key=None):
    """Refund `amount` minor units (None: all that is left). A sale not yet settled cannot be refunded at
    Braintree; refunding all of it then voids the sale instead, which returns the money the same way.

    `request_key` names one submission of the refund form: the same key twice (a double click, a resent
    form) makes one refund. Its payment row's unique idempotency key is what stops the second, even when
    both arrive at once."""
    order = get_order(number)
    key = f"{order.number}-r-{request_key}" if request_key else None
    if key and db.session.execute(select(Payment.id).where(Payment.idempotency_key == key)).first():
        raise PaymentActionFailed("This refund was already submitted; the order shows what it did.")
    sale = approved_sale(order)
    left = order.total - order.refunded
    amount = left if amount is None else amount
    if sale is None or sale.status == "authorized" or order.status not in (
            "paid", "partially_refunded", "shipped", "delivered"):
        raise PaymentActionFailed("Only a captured payment can be refunded (cancel an authorized one instead).")
    if not 0 < amount <= left:
        raise PaymentActionFailed(f"Refund between {format_money(1, order.currency)} and what is left "
                                  f"({format_money(left, order.currency)}).")
    count = db.session.execute(select(func.count()).where(Payment.order_id == order.id, Payment.kind == "refund")).scalar_one()
    row = Payment(order_id=order.id, provider=gateway.provider, kind="refund",
                  idempotency_key=key or f"{order.number}-r{count + 1}",
                  amount=amount, currency=order.currency, status="pending", gateway_status="", response_code="",
                  method=sale.method, error="")
    db.session.add(row)
    try:
        db.session.commit()
    except IntegrityError:  # the same submission (or a refund counted at the same moment) got there first
        db.session.rollback()
        raise PaymentActionFailed("This refund was already submitted; the order shows what it did.") from None
    voided = False
    try:
        result = _ask(gateway.refund, sale.transaction_id, None if amount == sale.amount else amount, order.currency)
        if not result.success and sale.status == "submitted" and amount == left == sale.amount:
            result = _ask(gateway.void, sale.transaction_id)  # not settled yet: a void returns all of it
            voided = result.success
    except PaymentActionFailed as error:
        row.error = f"{error} Check the refund at the payment service before trying again."
        db.session.commit()
        raise PaymentActionFailed(row.error) from error
    if not result.success:
        row.status, row.error = "failed", f"{result.code} {result.message}".strip()
        db.session.commit()
        raise PaymentActionFailed(f"The payment service refused the refund: {result.message or result.code}")
    if voided:
        sale.status, sale.gateway_status = "voided", result.transaction.status
    row.status, row.gateway_status = "refunded", result.transaction.status
    row.transaction_id = None if voided else result.transaction.id
    refund_recorded(order, amount=amount, actor=actor)
    db.session.commit()
    return order
