"""Braintree's documented sandbox behaviour, as data: what a test nonce and a test amount lead to.

The offline test mode follows these rules in-process, and the tests' gateway stand-in follows the same
rules over HTTP, so a test-mode sale and a sandbox sale end the same way.

Nonces (braintree.test.nonces.Nonces): fake-valid-*-nonce are approved; fake-processor-declined-*-nonce
are declined by the processor (2000 Do Not Honor); fake-processor-failure-jcb-nonce fails (3000);
fake-gateway-rejected-fraud-nonce and -risk-thresholds-nonce are rejected by the gateway;
fake-luhn-invalid-nonce and fake-consumed-nonce are refused as invalid.
Amounts, for an approved nonce: 2000.00-2999.99 are declined with that processor response code;
3000.00-3000.99 fail with 3000; 5001.00 is rejected (application_incomplete); the rest are approved.
"""
from dataclasses import dataclass
from decimal import Decimal

from braintree.test.nonces import Nonces

PROCESSOR_RESPONSES = {
    "2000": "Do Not Honor", "2001": "Insufficient Funds", "2002": "Limit Exceeded",
    "2003": "Cardholder's Activity Limit Exceeded", "2004": "Expired Card", "2005": "Invalid Credit Card Number",
    "2006": "Invalid Expiration Date", "2007": "No Account", "2010": "Card Issuer Declined CVV",
    "2015": "Transaction Not Allowed", "2046": "Declined", "3000": "Processor Network Unavailable - Try Again",
}

CARDS = {  # nonce -> (card type, last 4)
    Nonces.Transactable: ("Visa", "1881"),
    Nonces.TransactableVisa: ("Visa", "1111"),
    Nonces.TransactableMasterCard: ("MasterCard", "4444"),
    Nonces.TransactableAmEx: ("American Express", "0005"),
    Nonces.TransactableDiscover: ("Discover", "1117"),
    Nonces.TransactableDebit: ("Visa", "1010"),
}
DECLINED = {
    Nonces.ProcessorDeclinedVisa: ("Visa", "0002"),
    Nonces.ProcessorDeclinedMasterCard: ("MasterCard", "0004"),
    Nonces.ProcessorDeclinedAmEx: ("American Express", "0002"),
    Nonces.ProcessorDeclinedDiscover: ("Discover", "0003"),
}
REJECTED = {Nonces.GatewayRejectedFraud: "fraud", Nonces.GatewayRejectedRiskThreshold: "risk_threshold"}
INVALID = {  # nonce -> (validation error code, message, attribute)
    Nonces.LuhnInvalid: ("81715", "Credit card number is invalid.", "number"),
    Nonces.Consumed: ("93107", "Cannot use a payment_method_nonce more than once.", "payment_method_nonce"),
}
UNKNOWN_NONCE = ("91565", "Unknown or expired payment_method_nonce.", "payment_method_nonce")

# The choices offered on the test-mode payment panel: (nonce, label).
TEST_PANEL_CHOICES = (
    (Nonces.TransactableVisa, "Visa ending 1111: approved"),
    (Nonces.TransactableMasterCard, "Mastercard ending 4444: approved"),
    (Nonces.ProcessorDeclinedVisa, "Visa: declined by the bank (2000 Do Not Honor)"),
    (Nonces.ProcessorFailureJCB, "JCB: the card network does not answer (3000)"),
    (Nonces.GatewayRejectedFraud, "Card rejected by fraud checks"),
    (Nonces.LuhnInvalid, "Card number not valid"),
    (Nonces.Consumed, "A card entry that was already used"),
)


@dataclass(frozen=True)
class SandboxOutcome:
    status: str                         # authorized, processor_declined, failed, gateway_rejected, or "" (invalid)
    card_type: str = ""
    last_4: str = ""
    response_code: str = "1000"
    response_text: str = "Approved"
    rejection_reason: str = ""
    error: tuple | None = None          # (code, message, attribute) of a validation error

    @property
    def approved(self):
        return self.status == "authorized"


def sandbox_outcome(nonce, amount):
    """What the sandbox does with `nonce` for `amount` (a Decimal in major units)."""
    amount = Decimal(amount)
    if nonce in INVALID:
        return SandboxOutcome(status="", error=INVALID[nonce])
    if nonce in REJECTED:
        return SandboxOutcome(status="gateway_rejected", card_type="Visa", last_4="0002", response_code="",
                              response_text="", rejection_reason=REJECTED[nonce])
    if nonce == Nonces.ProcessorFailureJCB:
        return _declined("failed", ("JCB", "0000"), "3000")
    if nonce in DECLINED:
        return _declined("processor_declined", DECLINED[nonce], "2000")
    if nonce not in CARDS:
        return SandboxOutcome(status="", error=UNKNOWN_NONCE)
    card = CARDS[nonce]
    if Decimal("2000.00") <= amount <= Decimal("2999.99"):
        return _declined("processor_declined", card, str(int(amount)))
    if Decimal("3000.00") <= amount <= Decimal("3000.99"):
        return _declined("failed", card, "3000")
    if amount == Decimal("5001.00"):
        return SandboxOutcome(status="gateway_rejected", card_type=card[0], last_4=card[1], response_code="",
                              response_text="", rejection_reason="application_incomplete")
    return SandboxOutcome(status="authorized", card_type=card[0], last_4=card[1])


def _declined(status, card, code):
    return SandboxOutcome(status=status, card_type=card[0], last_4=card[1], response_code=code,
                          response_text=PROCESSOR_RESPONSES.get(code, "Processor Declined"))
