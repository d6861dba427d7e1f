"""orders tests: the shared commerce fixtures (products through the catalog service, a checkout shopper, the
Braintree stand-in)."""
from tests.commerce import make_product, shopper, standin  # noqa: F401
