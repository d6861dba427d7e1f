"""The offline test mode: a gateway in this process that follows Braintree's documented test nonces and
amounts (app/payments/sandbox.py). It is the default without Braintree credentials, so a fresh `make run`
can sell; the payment panel says plainly that no real payment is made.

Transactions live in this process's memory and, for what that memory has lost (a restart, another
worker), are recalled from the shop's own payment rows, which hold every test transaction's id, amount
and last status: so an order sold before a restart can still be captured, voided and refunded. A
test-mode outcome is never unknown, so reconcile never needs to look one up.
"""
import secrets
import threading

from sqlalchemy import select

from app.extensions import db
from app.money import to_decimal
from app.payments.gateway import GatewayResult, GatewayTransaction, InvalidWebhook, PaymentGateway
from app.payments.sandbox import sandbox_outcome

OUTCOMES = {"authorized": "approved", "processor_declined": "declined", "failed": "failed",
            "gateway_rejected": "rejected"}


class TestModeGateway(PaymentGateway):
    __test__ = False  # not a pytest class
    provider = "test"
    test_mode = True

    def __init__(self):
        self._transactions = {}
        self._lock = threading.Lock()

    def client_token(self):
        return None

    def sale(self, *, amount, currency, nonce, order_number, capture, email=""):
        outcome = sandbox_outcome(nonce, to_decimal(amount, currency))
        if outcome.error:
            code, message, _attribute = outcome.error
            return GatewayResult("invalid", None, code, message)
        status = outcome.status
        if outcome.approved and capture:
            status = "submitted_for_settlement"
        transaction = GatewayTransaction(
            id="test_" + secrets.token_hex(4), status=status, amount=amount, currency=currency,
            order_id=order_number, method=f"{outcome.card_type} ending {outcome.last_4}",
            processor_response_code=outcome.response_code, processor_response_text=outcome.response_text,
            gateway_rejection_reason=outcome.rejection_reason)
        self._keep(transaction)
        result = OUTCOMES[outcome.status]
        code = outcome.rejection_reason if result == "rejected" else outcome.response_code
        return GatewayResult(result, transaction, code, outcome.response_text or outcome.rejection_reason)

    def find(self, transaction_id):
        return self._transactions.get(transaction_id) or self._recall(transaction_id)

    def transactions_for_order(self, order_number):
        found = {t.id: t for t in self._recalled_for_order(order_number)}
        found.update((t.id, t) for t in self._transactions.values() if t.order_id == order_number and t.kind == "sale")
        return list(found.values())

    def _recall(self, transaction_id):
        """A transaction this process has not seen, as the shop's payment row recorded it (or None)."""
        from app.payments.models import Payment

        row = db.session.execute(select(Payment).where(Payment.transaction_id == transaction_id,
                                                       Payment.provider == self.provider)).scalar_one_or_none()
        return _from_row(row) if row is not None and row.gateway_status else None

    def _recalled_for_order(self, order_number):
        from app.orders.models import Order
        from app.payments.models import Payment

        rows = db.session.execute(select(Payment).join(Order, Order.id == Payment.order_id).where(
            Order.number == order_number, Payment.provider == self.provider, Payment.kind == "sale",
            Payment.transaction_id.is_not(None))).scalars()
        return [_from_row(row) for row in rows if row.gateway_status]

    def submit_for_settlement(self, transaction_id):
        return self._change(transaction_id, ("authorized",), "submitted_for_settlement")

    def void(self, transaction_id):
        return self._change(transaction_id, ("authorized", "submitted_for_settlement"), "voided")

    def refund(self, transaction_id, amount=None, currency="USD"):
        original = self.find(transaction_id)
        if original is None or original.status not in ("submitted_for_settlement", "settling", "settled"):
            return GatewayResult("invalid", None, "91506", "Cannot refund a transaction unless it is settled.")
        refund = GatewayTransaction(id="test_" + secrets.token_hex(4), status="submitted_for_settlement",
                                    amount=amount if amount is not None else original.amount,
                                    currency=original.currency, order_id=original.order_id, kind="credit",
                                    method=original.method)
        self._keep(refund)
        return GatewayResult("approved", refund)

    def parse_webhook(self, signature, payload):
        raise InvalidWebhook("test mode receives no webhooks")

    def _keep(self, transaction):
        with self._lock:
            self._transactions[transaction.id] = transaction

    def _change(self, transaction_id, allowed, status):
        with self._lock:
            transaction = self._transactions.get(transaction_id) or self._recall(transaction_id)
            if transaction is None or transaction.status not in allowed:
                return GatewayResult("invalid", None, "91507", f"Cannot change a transaction to {status} now.")
            changed = GatewayTransaction(**{**transaction.__dict__, "status": status})
            self._transactions[transaction_id] = changed
        return GatewayResult("approved", changed)


def _from_row(row):
    return GatewayTransaction(id=row.transaction_id, status=row.gateway_status, amount=row.amount,
                              currency=row.currency, order_id=row.order.number,
                              kind="sale" if row.kind == "sale" else "credit", method=row.method)
