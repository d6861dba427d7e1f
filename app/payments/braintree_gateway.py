"""The Braintree adapter: the braintree SDK behind the shop's gateway interface.

The same code runs in production and in the tests: the tests point the SDK at a stand-in for the
Braintree gateway on 127.0.0.1 (BRAINTREE_ENVIRONMENT_URL builds a braintree.Environment for it), so
the requests and answers this module handles are the SDK's real XML over real HTTP.

The SDK's exceptions are sorted here into what they mean for a charge: GatewayUnavailable (no answer we
can trust: the sale may exist, ask again later) or GatewayRefused (the request itself was refused:
nothing was processed).
"""
import hashlib
import logging
from urllib.parse import urlsplit

import braintree
from braintree import exceptions as bt

from app.money import parse_money, to_decimal
from app.payments.gateway import (
    GatewayRefused,
    GatewayResult,
    GatewayTransaction,
    GatewayUnavailable,
    InvalidWebhook,
    PaymentGateway,
    WebhookNotice,
)

log = logging.getLogger(__name__)

REFUSED = (bt.AuthenticationError, bt.AuthorizationError, bt.UpgradeRequiredError, bt.ConfigurationError)
# ServerError (500), ServiceUnavailable (503), GatewayTimeout (504), RequestTimeout (408), TooManyRequests
# (429) and UnexpectedError, which with wrap_http_exceptions covers timeouts and dropped connections.
UNAVAILABLE = (bt.ServerError, bt.ServiceUnavailableError, bt.GatewayTimeoutError, bt.RequestTimeoutError,
               bt.TooManyRequestsError, bt.UnexpectedError)
DECLINE_OUTCOMES = {"processor_declined": "declined", "gateway_rejected": "rejected", "failed": "failed"}


def environment_from_config(config):
    """braintree.Environment.Sandbox / Production by name, or one built for a stand-in's URL (tests)."""
    url = config.get("BRAINTREE_ENVIRONMENT_URL")
    if url:
        parts = urlsplit(url)
        return braintree.Environment("stand-in", parts.hostname, str(parts.port or 80), url, False, None)
    return braintree.Environment.parse_environment(config["BRAINTREE_ENVIRONMENT"])


class BraintreeGateway(PaymentGateway):
    provider = "braintree"

    def __init__(self, sdk_gateway, environment_name="sandbox", merchant_account_id=None):
        self._sdk = sdk_gateway
        self.environment_name = environment_name
        self.merchant_account_id = merchant_account_id

    @classmethod
    def from_config(cls, config):
        environment = environment_from_config(config)
        configuration = braintree.Configuration(
            environment, merchant_id=config["BRAINTREE_MERCHANT_ID"], public_key=config["BRAINTREE_PUBLIC_KEY"],
            private_key=config["BRAINTREE_PRIVATE_KEY"], timeout=config["BRAINTREE_TIMEOUT"],
            wrap_http_exceptions=True)
        return cls(braintree.BraintreeGateway(configuration), str(environment),
                   config.get("BRAINTREE_MERCHANT_ACCOUNT_ID"))

    # --- calls ---------------------------------------------------------------------------------------------

    def client_token(self):
        params = {"merchant_account_id": self.merchant_account_id} if self.merchant_account_id else {}
        return self._call(self._sdk.client_token.generate, params)

    def sale(self, *, amount, currency, nonce, order_number, capture, email=""):
        params = {"amount": str(to_decimal(amount, currency)), "payment_method_nonce": nonce,
                  "order_id": order_number, "options": {"submit_for_settlement": bool(capture)}}
        if email:
            params["customer"] = {"email": email}
        if self.merchant_account_id:
            params["merchant_account_id"] = self.merchant_account_id
        return self._result(self._call(self._sdk.transaction.sale, params), currency)

    def find(self, transaction_id):
        try:
            return _transaction(self._call(self._sdk.transaction.find, transaction_id), "")
        except bt.NotFoundError:
            return None

    def transactions_for_order(self, order_number):
        found = self._call(self._sdk.transaction.search, braintree.TransactionSearch.order_id == order_number)
        try:
            return [_transaction(t, "") for t in found.items if t.type == "sale"]
        except UNAVAILABLE as error:
            raise GatewayUnavailable(f"{type(error).__name__}: {error}") from error

    def submit_for_settlement(self, transaction_id):
        return self._result(self._call(self._sdk.transaction.submit_for_settlement, transaction_id), "")

    def void(self, transaction_id):
        return self._result(self._call(self._sdk.transaction.void, transaction_id), "")

    def refund(self, transaction_id, amount=None, currency="USD"):
        value = str(to_decimal(amount, currency)) if amount is not None else None
        return self._result(self._call(self._sdk.transaction.refund, transaction_id, value), currency)

    def parse_webhook(self, signature, payload):
        try:
            notice = self._sdk.webhook_notification.parse(signature, payload)
        except (bt.InvalidSignatureError, ValueError, KeyError, TypeError) as error:
            raise InvalidWebhook(str(error)) from error
        except Exception as error:  # malformed XML inside a correctly signed payload, and the like
            raise InvalidWebhook(f"{type(error).__name__}: {error}") from error
        key = "braintree:" + hashlib.sha256(payload.encode() if isinstance(payload, str) else payload).hexdigest()[:40]
        return _webhook_notice(notice, key)

    # --- helpers -----------------------------------------------------------------------------------------

    def _call(self, method, *args):
        try:
            return method(*args)
        except bt.NotFoundError:
            raise
        except REFUSED as error:
            log.error("Braintree refused the request (check the credentials): %s", type(error).__name__)
            raise GatewayRefused(type(error).__name__) from error
        except UNAVAILABLE as error:
            raise GatewayUnavailable(f"{type(error).__name__}: {error}") from error

    def _result(self, result, currency):
        if result.is_success:
            return GatewayResult("approved", _transaction(result.transaction, currency))
        transaction = result.transaction
        if transaction is not None:
            outcome = DECLINE_OUTCOMES.get(transaction.status, "declined")
            code = (transaction.gateway_rejection_reason if outcome == "rejected"
                    else transaction.processor_response_code)
            return GatewayResult(outcome, _transaction(transaction, currency), str(code or ""), result.message)
        errors = result.errors.deep_errors
        code = str(errors[0].code) if errors else ""
        return GatewayResult("invalid", None, code, result.message)


def _transaction(transaction, currency):
    currency = getattr(transaction, "currency_iso_code", None) or currency or "USD"
    card = getattr(transaction, "credit_card_details", None)
    if card is not None and getattr(card, "last_4", None):
        method = f"{getattr(card, 'card_type', None) or 'Card'} ending {card.last_4}"
    else:
        method = getattr(transaction, "payment_instrument_type", "") or ""
    return GatewayTransaction(
        id=transaction.id, status=transaction.status, amount=parse_money(str(transaction.amount), currency),
        currency=currency, order_id=getattr(transaction, "order_id", None) or "",
        kind=getattr(transaction, "type", None) or "sale", method=method,
        processor_response_code=str(getattr(transaction, "processor_response_code", None) or ""),
        processor_response_text=str(getattr(transaction, "processor_response_text", None) or ""),
        gateway_rejection_reason=str(getattr(transaction, "gateway_rejection_reason", None) or ""))


def _webhook_notice(notice, key):
    kind = notice.kind
    transaction = getattr(notice, "transaction", None)
    dispute = getattr(notice, "dispute", None)
    if dispute is not None:
        details = getattr(dispute, "transaction", None)
        transaction_id = getattr(details, "id", "") or ""
        summary = (f"Dispute {getattr(dispute, 'status', '') or kind.removeprefix('dispute_')}: "
                   f"reason {getattr(dispute, 'reason', '') or 'not given'}, "
                   f"{getattr(dispute, 'amount_disputed', '')} {getattr(dispute, 'currency_iso_code', '')}".rstrip())
    elif transaction is not None:
        transaction_id = transaction.id
        summary = f"{kind.replace('_', ' ').capitalize()} (transaction {transaction.id}, status {transaction.status})."
    else:
        transaction_id, summary = "", kind.replace("_", " ").capitalize()
    return WebhookNotice(kind=kind, transaction_id=transaction_id, summary=summary, key=key)
