"""Braintree webhooks: verified by the SDK, recorded on the order once, acted on where it matters.

The same notification delivered twice (Braintree retries until it gets a 2xx) has the same payload, so
its key (a hash of the payload) is the order event's unique external_id: the second delivery finds it and
changes nothing.
"""
import logging

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.orders.models import Order, OrderEvent
from app.orders.status import add_event
from app.payments.models import Payment

log = logging.getLogger(__name__)

SALE_STATUS = {"transaction_settled": "settled", "transaction_settlement_declined": "settlement_declined"}


def handle_notice(notice):
    """Apply a verified WebhookNotice; returns "recorded", "duplicate" or "ignored"."""
    if db.session.execute(select(OrderEvent.id).where(OrderEvent.external_id == notice.key)).first():
        return "duplicate"
    payment = db.session.execute(
        select(Payment).where(Payment.transaction_id == notice.transaction_id)).scalar_one_or_none() \
        if notice.transaction_id else None
    if payment is None:
        log.info("webhook %s for unknown transaction %r ignored", notice.kind, notice.transaction_id)
        return "ignored"
    order = db.session.get(Order, payment.order_id)
    summary = notice.summary
    if notice.kind in SALE_STATUS and payment.kind == "sale" and payment.status in ("submitted", "settled"):
        payment.status = SALE_STATUS[notice.kind]
        payment.gateway_status = SALE_STATUS[notice.kind]
        if notice.kind == "transaction_settlement_declined":
            summary += " The money did not arrive: contact the shopper before shipping."
    elif notice.kind == "refund_failed" and payment.kind == "refund":
        payment.status, payment.error = "failed", "The refund failed at the bank (webhook)."
    add_event(order, "webhook", summary, actor="braintree", external_id=notice.key)
    try:
        db.session.commit()
    except IntegrityError:  # the same notification, delivered twice at the same moment
        db.session.rollback()
        return "duplicate"
    return "recorded"
