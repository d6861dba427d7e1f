"""analytics tests: the shared commerce fixtures (a checkout shopper, the Braintree stand-in); products come
from the root conftest's make_product (tests/factories.py)."""
from tests.commerce import shopper, standin  # noqa: F401
