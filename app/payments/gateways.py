"""Which gateway this app uses: Braintree when its credentials are set, the offline test mode otherwise."""
from flask import current_app

from app.payments.braintree_gateway import BraintreeGateway
from app.payments.test_mode import TestModeGateway


def braintree_configured(config):
    return all(config.get(name) for name in ("BRAINTREE_MERCHANT_ID", "BRAINTREE_PUBLIC_KEY", "BRAINTREE_PRIVATE_KEY"))


def current_gateway():
    """This app's gateway, made once per app (the SDK keeps a connection per thread)."""
    app = current_app._get_current_object()
    gateway = app.extensions.get("payment_gateway")
    if gateway is None:
        gateway = BraintreeGateway.from_config(app.config) if braintree_configured(app.config) else TestModeGateway()
        app.extensions["payment_gateway"] = gateway
    return gateway
