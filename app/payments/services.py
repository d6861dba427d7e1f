"""Charging an order, once.

pay_order(order, nonce, ...):
1. an order already paid is returned as it is (a replayed form never charges again);
2. an earlier attempt whose answer was lost (timeout, 5xx) is settled first by asking the gateway for the
   order's transactions (search by order number), before any new charge;
3. the attempt is claimed with a conditional UPDATE of the order's attempt counter and a Payment row with
   a unique key, committed *before* the gateway is called: two submits of the same form cannot both pass;
4. the gateway is called outside any database transaction;
5. the answer is applied in one transaction: approved -> paid/authorized, cart lines out, confirmation
   queued; declined -> payment_failed, stock back, the reason in plain words; no answer -> the order stays
   pending and `flask payments reconcile` settles it.
"""
import logging
import time
from dataclasses import dataclass
from datetime import timedelta, timezone

from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

from app.database import commit_keeping_loaded, utcnow
from app.extensions import db
from app.orders.models import Order
from app.orders.services import payment_approved, payment_failed, payment_unknown
from app.orders.status import PAID_STATUSES, IllegalTransition, add_event
from app.orders.stock import refresh_search
from app.payments.gateway import GatewayRefused, GatewayUnavailable
from app.payments.messages import REFUSED, UNAVAILABLE, shopper_message
from app.payments.models import Payment

log = logging.getLogger(__name__)


PAYMENT_STATE = ("status", "payment_attempts", "payment_message", "hold_until", "updated_at")


@dataclass(frozen=True)
class PaymentSettings:
    capture: bool = True      # submit for settlement at once (PAYMENT_CAPTURE=immediate) or only authorize
    unknown_wait: int = 120   # seconds an attempt whose answer was lost is left before it is looked up for good
    in_flight: int = 25       # seconds a gateway call may still be running: its timeout and a margin

    @classmethod
    def from_config(cls, config):
        return cls(capture=config["PAYMENT_CAPTURE"] != "manual",
                   unknown_wait=int(config["PAYMENT_UNKNOWN_WAIT_SECONDS"]),
                   in_flight=int(config["BRAINTREE_TIMEOUT"]) + 5)


@dataclass(frozen=True)
class PaymentOutcome:
    order: Order
    result: str        # approved, declined, unknown, in_progress, already_paid, not_payable
    message: str = ""  # what the shopper reads when it is not approved
    gateway_seconds: float = 0.0  # time spent waiting for the gateway (reported as Server-Timing)


def payments_of(order, kind=None):
    query = select(Payment).where(Payment.order_id == order.id).order_by(Payment.id)
    if kind:
        query = query.where(Payment.kind == kind)
    return db.session.execute(query.execution_options(populate_existing=True)).scalars().all()


def pay_order(order, *, nonce, gateway, settings, now=None, just_placed=False):
    """Charge `order` (status pending_payment) with `nonce`; a PaymentOutcome. `just_placed`: the caller
    committed this new order a moment ago, so its state is not read back first (if another request took
    its first attempt meanwhile, the conditional claim below sees it)."""
    now = now or utcnow()
    settled = False
    while True:
        if not just_placed:
            # Where the order stands now (another tab, a webhook or an admin may have moved it); its lines
            # and amounts never change after placing, so they are not read again.
            db.session.refresh(order, PAYMENT_STATE)
        just_placed = False
        if order.status in PAID_STATUSES:
            return PaymentOutcome(order, "already_paid")
        if order.status != "pending_payment":
            return PaymentOutcome(order, "not_payable", order.payment_message)
        if not order.payment_attempts or not _pending_sales(order):  # no attempt yet: no pending sale
            break
        if settled:
            return PaymentOutcome(order, "in_progress", UNAVAILABLE)
        # An earlier attempt has no answer: it may be running right now (a double click), or its answer was
        # lost. Either way the gateway decides, never a second charge on a guess.
        settle_unanswered(order, gateway, settings, now)
        settled = True
    sale = dict(amount=order.total, currency=order.currency, nonce=nonce, order_number=order.number,
                capture=settings.capture, email=order.email)
    # The claim commits: no transaction (and no pooled connection) is held while the gateway is asked.
    payment = _claim_attempt(order, gateway, now)
    if payment is None:
        return PaymentOutcome(order, "in_progress", UNAVAILABLE)
    started = time.perf_counter()
    try:
        result = gateway.sale(**sale)
    except GatewayUnavailable as error:
        payment.error = f"No answer from the gateway: {error}"[:2000]
        payment_unknown(order, f"Payment attempt {order.payment_attempts}: no answer from the gateway ({error}); "
                               "it will be looked up before any new charge.")
        db.session.commit()
        log.warning("order %s: payment outcome unknown (%s)", order.number, error)
        return PaymentOutcome(order, "unknown", UNAVAILABLE, time.perf_counter() - started)
    except GatewayRefused as error:
        payment.status, payment.error = "declined", f"Refused by the gateway: {error}"
        payment_failed(order, message=REFUSED, reason=f"The gateway refused the request ({error}); nothing charged.")
        db.session.commit()
        refresh_search()
        return PaymentOutcome(order, "declined", REFUSED, time.perf_counter() - started)
    waited = time.perf_counter() - started
    try:
        apply_sale_result(order, payment, result)
    except IllegalTransition:  # the order changed while the gateway was asked (an admin cancelled it)
        db.session.rollback()
        payment = db.session.get(Payment, payment.id)
        _record_only(order, payment, result)
    commit_keeping_loaded(db.session())  # the caller goes on with this order (its number, its page)
    refresh_search()
    if result.success:
        return PaymentOutcome(order, "approved", gateway_seconds=waited)
    return PaymentOutcome(order, "declined", order.payment_message, waited)


def apply_sale_result(order, payment, result, actor="gateway"):
    """Record the gateway's answer on the payment row and the order, in the caller's transaction."""
    transaction = result.transaction
    if transaction is not None:
        payment.transaction_id = transaction.id
        payment.gateway_status = transaction.status
        payment.method = transaction.method[:80]
        payment.response_code = (transaction.gateway_rejection_reason or transaction.processor_response_code)[:40]
    if result.success:
        payment.status = "submitted" if transaction.captured else "authorized"
        payment.error = ""
        payment_approved(order, captured=transaction.captured, method=payment.method, actor=actor)
        return
    payment.status = "declined"
    payment.response_code = payment.response_code or result.code[:40]
    payment.error = f"{result.outcome}: {result.code} {result.message}".strip()[:2000]
    payment_failed(order, message=shopper_message(result),
                   reason=f"Payment {result.outcome} by the gateway: {result.code} {result.message}".strip(), actor=actor)


def _record_only(order, payment, result):
    """Keep the gateway's answer on the payment row when the order can no longer take it."""
    payment.status = "authorized" if result.success and not result.transaction.captured else (
        "submitted" if result.success else "declined")
    payment.transaction_id = result.transaction.id if result.transaction else None
    payment.error = "The order changed while the payment was made: check it, void or refund it at the gateway."
    add_event(order, "payment", f"Payment answer {result.outcome} arrived after the order changed; check it.")
    log.error("order %s changed during its payment (%s)", order.number, result.outcome)


def _pending_sales(order):
    return [p for p in payments_of(order, "sale") if p.status == "pending"]


def _claim_attempt(order, gateway, now):
    """Take the next attempt number for this order and write its Payment row, committed; None when another
    request took it first (it is charging this order right now)."""
    attempt = order.payment_attempts + 1
    claimed = db.session.execute(
        update(Order).where(Order.id == order.id, Order.payment_attempts == attempt - 1,
                            Order.status == "pending_payment")
        .values(payment_attempts=attempt, updated_at=now).execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        db.session.rollback()
        return None
    payment = Payment(order_id=order.id, provider=gateway.provider, kind="sale",
                      idempotency_key=f"{order.number}-{attempt}", amount=order.total, currency=order.currency,
                      status="pending", gateway_status="", response_code="", method="", error="")
    db.session.add(payment)
    add_event(order, "payment", f"Payment attempt {attempt} sent to {gateway.provider}.", actor="shopper", now=now)
    # What the UPDATE wrote, so the order and its payment stay usable without reading them back; the
    # answer is then applied by conditional UPDATEs (app.orders.status), which see any change meanwhile.
    set_committed_value(order, "payment_attempts", attempt)
    set_committed_value(order, "updated_at", now)
    commit_keeping_loaded(db.session())
    return payment


def settle_unanswered(order, gateway, settings, now=None, notify=False):
    """Ask the gateway about an order whose attempts have no answer. An approved sale found there is
    adopted (no new charge); if none is found once the last answer has been missing for
    `settings.unknown_wait` seconds, nothing was charged: the payment fails and the stock goes back.
    An attempt still within its call time (settings.in_flight) is never judged. Returns "approved",
    "failed", "waiting", "unavailable" (no answer this time either) or "changed" (another writer was first)."""
    now = now or utcnow()
    pending = _pending_sales(order)
    if any(not p.error and _aware(p.created_at) > now - timedelta(seconds=settings.in_flight) for p in pending):
        return "waiting"  # its request is still running: it will record the answer itself
    try:
        found = gateway.transactions_for_order(order.number)
    except (GatewayUnavailable, GatewayRefused) as error:
        log.warning("order %s: gateway search failed (%s)", order.number, error)
        return "unavailable"
    try:
        approved = [t for t in found if t.approved]
        if approved:
            _adopt(order, pending, approved, gateway, now)
            outcome = "approved"
        elif pending and max(_aware(p.updated_at) for p in pending) > now - timedelta(seconds=settings.unknown_wait):
            return "waiting"
        else:
            _not_charged(order, pending, found, notify)
            outcome = "failed"
        db.session.commit()
    except IllegalTransition:
        db.session.rollback()
        return "changed"
    refresh_search()
    return outcome


def _adopt(order, pending, approved, gateway, now):
    transaction, extra = approved[0], approved[1:]
    known = {p.transaction_id for p in payments_of(order) if p.transaction_id}
    payment = pending[-1] if pending else Payment(
        order_id=order.id, provider=gateway.provider, kind="sale", idempotency_key=f"{order.number}-found",
        amount=transaction.amount, currency=order.currency, status="pending", gateway_status="", response_code="",
        method="", error="")
    db.session.add(payment)
    for other in pending[:-1]:
        other.status, other.error = "declined", "Superseded: the gateway holds another approved sale."
    payment.transaction_id, payment.gateway_status = transaction.id, transaction.status
    payment.method, payment.error = transaction.method[:80], ""
    payment.status = "submitted" if transaction.captured else "authorized"
    add_event(order, "payment", f"Found at the gateway: sale {transaction.id} ({transaction.status}).", now=now)
    for duplicate in (t for t in extra if t.id not in known):
        log.error("order %s has a second approved sale %s at the gateway", order.number, duplicate.id)
        add_event(order, "payment", f"A second approved sale {duplicate.id} exists at the gateway for this order: "
                                    "void or refund it there.", now=now)
    if order.status == "pending_payment":
        payment_approved(order, captured=transaction.captured, method=payment.method)


def _not_charged(order, pending, found, notify):
    known = {p.transaction_id for p in payments_of(order) if p.transaction_id}
    declined = [t for t in found if t.id not in known]
    for payment in pending:
        payment.status = "declined"
        payment.error = (f"Looked up at the gateway: {declined[0].status}" if declined
                         else "Not found at the gateway: the request never arrived, nothing was charged.")
    if order.status == "pending_payment":
        payment_failed(order, message="The payment did not reach the bank.", notify=notify, actor="reconcile",
                       reason="No approved sale at the gateway for this order; the stock is back on sale.")


def _aware(moment):
    """SQLite returns naive datetimes for timezone-aware columns; they are UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
