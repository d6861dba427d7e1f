"""The browser side of a Braintree payment: Drop-in on the review page.

Drop-in (braintree-web-drop-in, pinned in the Makefile, served from static/vendor/) runs in our page and
puts Braintree's card fields in iframes from Braintree's asset host, so card data never touches this
server; it talks to Braintree's client API with the client token made here. The page's CSP is widened for
exactly those hosts, on the payment page only (every other page keeps the strict policy of
app/ops/security.py).
"""
from urllib.parse import urlsplit

from app.ops.security import CONTENT_SECURITY_POLICY

ASSETS = "https://assets.braintreegateway.com"
SCRIPTS = "https://js.braintreegateway.com"
CLIENT_API = {
    "production": ("https://api.braintreegateway.com", "https://client-analytics.braintreegateway.com",
                   "https://payments.braintree-api.com"),
    "sandbox": ("https://api.sandbox.braintreegateway.com", "https://client-analytics.sandbox.braintreegateway.com",
                "https://payments.sandbox.braintree-api.com"),
}


def payment_page_csp(environment_name, stand_in_url=None):
    """The shop's CSP plus Braintree's hosts for Drop-in: scripts it loads on demand, the card-field
    iframes, the client API (and, in tests, the gateway stand-in's origin)."""
    directives = dict(part.split(" ", 1) for part in CONTENT_SECURITY_POLICY.split("; "))
    connect = CLIENT_API.get(environment_name, CLIENT_API["sandbox"])
    if stand_in_url:
        parts = urlsplit(stand_in_url)
        connect = connect + (f"{parts.scheme}://{parts.netloc}",)
    directives["script-src"] += f" {SCRIPTS} {ASSETS}"
    directives["frame-src"] = f"'self' {ASSETS}"
    directives["connect-src"] += " " + " ".join(connect)
    directives["img-src"] += f" {ASSETS}"
    return "; ".join(f"{name} {value}" for name, value in directives.items())
