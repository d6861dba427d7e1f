"""The payment part of the review page: Braintree Drop-in, or the test-mode panel, or a plain notice that
card payments are unavailable right now (the gateway gave no client token)."""
import logging
from dataclasses import dataclass

from app.payments.dropin import payment_page_csp
from app.payments.gateway import GatewayRefused, GatewayUnavailable
from app.payments.sandbox import TEST_PANEL_CHOICES

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PaymentPanel:
    mode: str                       # "test", "dropin" or "unavailable"
    choices: tuple = ()             # test mode: (nonce, label)
    client_token: str | None = None
    csp: str | None = None          # the widened Content-Security-Policy for Drop-in


def payment_panel(gateway, config):
    if gateway.test_mode:
        return PaymentPanel("test", choices=TEST_PANEL_CHOICES)
    try:
        token = gateway.client_token()
    except (GatewayUnavailable, GatewayRefused) as error:
        log.warning("no client token for Drop-in: %s", error)
        return PaymentPanel("unavailable")
    return PaymentPanel("dropin", client_token=token,
                        csp=payment_page_csp(gateway.environment_name, config.get("BRAINTREE_ENVIRONMENT_URL")))
