"""The payment gateway interface: what the shop asks of a gateway, in the shop's own terms (amounts in
minor units, outcomes as plain values), with two implementations chosen by configuration:

- BraintreeGateway (app/payments/braintree_gateway.py): the braintree SDK, when credentials are set;
- TestModeGateway (app/payments/test_mode.py): in-process, following Braintree's documented test nonces
  and amounts, the default without credentials so `make run` can sell.

Everything after the nonce (orders, payment records, reconcile, webhooks) is the same code for both.
"""
from abc import ABC, abstractmethod
from dataclasses import dataclass

# The gateway's transaction statuses that mean the money was approved; the second set, also captured.
APPROVED = ("authorized", "authorizing", "submitted_for_settlement", "settling", "settled",
            "settlement_pending", "settlement_confirmed")
CAPTURED = ("submitted_for_settlement", "settling", "settled", "settlement_pending", "settlement_confirmed")


class GatewayError(Exception):
    """Base for gateway failures (not declines: a decline is a GatewayResult)."""


class GatewayUnavailable(GatewayError):
    """No answer we can trust (timeout, connection dropped, 5xx): the charge may or may not exist."""


class GatewayRefused(GatewayError):
    """The gateway refused the request itself (bad credentials, not allowed): nothing was processed."""


class InvalidWebhook(GatewayError):
    pass


@dataclass(frozen=True)
class GatewayTransaction:
    id: str
    status: str                 # the gateway's word: authorized, submitted_for_settlement, processor_declined...
    amount: int                 # minor units
    currency: str = ""
    order_id: str = ""
    kind: str = "sale"          # sale | credit (a refund)
    method: str = ""            # "Visa ending 1111"
    processor_response_code: str = ""
    processor_response_text: str = ""
    gateway_rejection_reason: str = ""

    @property
    def approved(self):
        return self.status in APPROVED

    @property
    def captured(self):
        return self.status in CAPTURED


@dataclass(frozen=True)
class GatewayResult:
    """The answer to a sale (or capture, void, refund). outcome: approved, declined (by the bank),
    failed (the processor could not be reached), rejected (by the gateway's fraud or risk rules), invalid
    (the request was refused: a used or unknown nonce, a bad card number, a wrong state)."""

    outcome: str
    transaction: GatewayTransaction | None = None
    code: str = ""
    message: str = ""

    @property
    def success(self):
        return self.outcome == "approved"


@dataclass(frozen=True)
class WebhookNotice:
    kind: str                   # transaction_settled, transaction_settlement_declined, dispute_opened, ...
    transaction_id: str         # the transaction it is about ("" when none)
    summary: str                # one line for the order's history
    key: str                    # unique per notification: repeated deliveries are recognised


class PaymentGateway(ABC):
    provider = "gateway"
    test_mode = False

    @abstractmethod
    def client_token(self):
        """A client token for Drop-in, or None when this gateway has no browser part."""

    @abstractmethod
    def sale(self, *, amount, currency, nonce, order_number, capture, email=""):
        """Charge (capture=True) or authorize `amount` minor units; a GatewayResult, or GatewayUnavailable
        / GatewayRefused."""

    @abstractmethod
    def find(self, transaction_id):
        """The GatewayTransaction, or None when the gateway does not know it."""

    @abstractmethod
    def transactions_for_order(self, order_number):
        """Every sale the gateway holds for this order number (how an unknown outcome is settled)."""

    @abstractmethod
    def submit_for_settlement(self, transaction_id):
        """Capture an authorized sale (its whole amount)."""

    @abstractmethod
    def void(self, transaction_id):
        """Cancel an authorized (or not yet settled) sale."""

    @abstractmethod
    def refund(self, transaction_id, amount=None, currency="USD"):
        """Refund a settled sale, all of it or `amount` minor units."""

    @abstractmethod
    def parse_webhook(self, signature, payload):
        """A WebhookNotice from a verified notification; InvalidWebhook when the signature is not ours."""
