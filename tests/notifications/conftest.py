"""notifications tests: the Twilio stand-in, the SMTP fixture and the checkout shopper, all on loopback."""
import pytest

from tests.commerce import shopper, standin  # noqa: F401
from tests.twilio_standin import TwilioStandIn


@pytest.fixture
def twilio():
    server = TwilioStandIn().start()
    yield server
    server.stop()


@pytest.fixture
def app_config(smtp_server, twilio):
    return {**smtp_server.config, **twilio.config, "SHOP_PHONE_REGION": "GB"}
