"""A stand-in for the Braintree gateway: a real HTTP server on 127.0.0.1 that speaks the XML the braintree
SDK sends and parses (read from the installed SDK: braintree/transaction_gateway.py,
client_token_gateway.py, util/generator.py and util/parser.py).

It answers: client token; transaction sale (success, processor decline, processor failure, gateway
rejection, validation errors, by Braintree's documented test nonces and amounts, app/payments/sandbox.py);
find; search by order id (advanced_search_ids + advanced_search); submit for settlement; void; refund;
and, when told to, 401, 500, or an answer slower than the client's timeout. Every sale is kept, so a test
can count the charges.
"""
import base64
import json
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

from braintree.util.xml_util import XmlUtil

from app.payments.sandbox import sandbox_outcome

PATH = re.compile(r"^/merchants/(?P<merchant>[^/]+)/(?P<rest>.*)$")


@dataclass
class Transaction:
    id: str
    amount: Decimal
    status: str
    order_id: str
    type: str = "sale"
    currency: str = "USD"
    card_type: str = ""
    last_4: str = ""
    response_code: str = "1000"
    response_text: str = "Approved"
    rejection_reason: str = ""
    refunded_transaction_id: str = ""
    created_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))

    def xml(self):
        def tag(name, value):
            return f"<{name} nil=\"true\"/>" if value in (None, "") else f"<{name}>{escape(str(value))}</{name}>"

        stamp = self.created_at.strftime("%Y-%m-%dT%H:%M:%SZ")
        card = ""
        if self.card_type:
            card = (f"<credit-card><card-type>{escape(self.card_type)}</card-type><last-4>{self.last_4}</last-4>"
                    f"<bin>411111</bin><expiration-month>12</expiration-month><expiration-year>2030</expiration-year>"
                    f"<expired type=\"boolean\">false</expired><token nil=\"true\"/></credit-card>")
        return (
            f"<transaction><id>{self.id}</id><status>{self.status}</status><type>{self.type}</type>"
            f"<currency-iso-code>{self.currency}</currency-iso-code><amount>{self.amount:.2f}</amount>"
            f"{tag('order-id', self.order_id)}<merchant-account-id>standin_account</merchant-account-id>"
            f"{tag('processor-response-code', self.response_code)}{tag('processor-response-text', self.response_text)}"
            f"{tag('gateway-rejection-reason', self.rejection_reason)}"
            f"{tag('refunded-transaction-id', self.refunded_transaction_id)}"
            f"<created-at type=\"datetime\">{stamp}</created-at><updated-at type=\"datetime\">{stamp}</updated-at>"
            f"{card}<payment-instrument-type>credit_card</payment-instrument-type>"
            f"<status-history type=\"array\"><status-event><timestamp type=\"datetime\">{stamp}</timestamp>"
            f"<status>{self.status}</status><amount>{self.amount:.2f}</amount><transaction-source>api</transaction-source>"
            f"</status-event></status-history><disputes type=\"array\"/></transaction>"
        )


def error_response(message, transaction=None, errors=(), scope="transaction"):
    """An <api-error-response> (HTTP 422): a decline carries the transaction, a validation error the errors."""
    nested = "".join(f"<error><code>{code}</code><attribute type=\"symbol\">{attribute}</attribute>"
                     f"<message>{escape(text)}</message></error>" for code, text, attribute in errors)
    errors_xml = (f"<errors><errors type=\"array\"/><{scope}><errors type=\"array\">{nested}</errors></{scope}></errors>"
                  if errors else "<errors><errors type=\"array\"/></errors>")
    return (f"<api-error-response>{errors_xml}<params><transaction><type>sale</type></transaction></params>"
            f"<message>{escape(message)}</message>{transaction.xml() if transaction else ''}</api-error-response>")


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # a client that gave up on a slow answer closed the socket: that is the point of "slow"


class BraintreeStandIn:
    """Start with .start(); `url` is what BRAINTREE_ENVIRONMENT_URL takes; `config` the app settings."""

    def __init__(self, merchant_id="standin_merchant", public_key="standin_public", private_key="standin_private"):
        self.merchant_id, self.public_key, self.private_key = merchant_id, public_key, private_key
        self.transactions = {}
        self.requests = []          # (method, path) of every request, in order
        self.next_sale = []         # modes for the next sales: "500", "401", "slow", "slow_after_charge"
        self.always = None          # a mode for every request ("401", "500")
        self.slow_seconds = 3.0
        self.lock = threading.Lock()
        self.server = QuietServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def config(self):
        return {"BRAINTREE_MERCHANT_ID": self.merchant_id, "BRAINTREE_PUBLIC_KEY": self.public_key,
                "BRAINTREE_PRIVATE_KEY": self.private_key, "BRAINTREE_ENVIRONMENT_URL": self.url,
                "BRAINTREE_TIMEOUT": 2}

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    # --- what tests read and set ---------------------------------------------------------------------------

    def sales(self, order_id=None):
        with self.lock:
            return [t for t in self.transactions.values()
                    if t.type == "sale" and (order_id is None or t.order_id == order_id)]

    def charges(self, order_id=None):
        """Approved sales: money taken or held."""
        return [t for t in self.sales(order_id) if t.status in ("authorized", "submitted_for_settlement", "settled")]

    def settle(self, transaction_id):
        with self.lock:
            self.transactions[transaction_id].status = "settled"

    # --- the HTTP side ---------------------------------------------------------------------------------------

    def _handler(self):
        standin = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out as two writes: without TCP_NODELAY the body waited for the client's
            # delayed ACK (≈ 40 ms a request), which a real gateway's TLS server does not add.
            disable_nagle_algorithm = True

            def log_message(self, *args):
                pass

            def _answer(self, status, body=""):
                data = (f'<?xml version="1.0" encoding="UTF-8"?>\n{body}' if body else "").encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/xml; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _handle(self, method):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                standin.requests.append((method, self.path))
                expected = "Basic " + base64.b64encode(f"{standin.public_key}:{standin.private_key}".encode()).decode()
                match = PATH.match(self.path)
                if self.headers.get("Authorization") != expected or standin.always == "401":
                    return self._answer(401)
                if not match or match["merchant"] != standin.merchant_id:
                    return self._answer(404)
                if standin.always == "500":
                    return self._answer(500)
                params = XmlUtil.dict_from_xml(body) if body.strip() else {}
                status, answer = standin.route(method, match["rest"], params)
                if isinstance(status, tuple):  # (delay, status): answer late, past the client's timeout
                    time.sleep(status[0])
                    status = status[1]
                self._answer(status, answer)

            def do_GET(self):
                self._handle("GET")

            def do_POST(self):
                self._handle("POST")

            def do_PUT(self):
                self._handle("PUT")

        return Handler

    def route(self, method, rest, params):
        if method == "POST" and rest == "client_token":
            return 201, self._client_token()
        if method == "POST" and rest == "transactions":
            return self._sale(params.get("transaction", {}))
        if method == "POST" and rest == "transactions/advanced_search_ids":
            return 200, self._search_ids(params.get("search", {}))
        if method == "POST" and rest == "transactions/advanced_search":
            return 200, self._search(params.get("search", {}))
        found = re.match(r"^transactions/([A-Za-z0-9_]+)(?:/(submit_for_settlement|void|refund))?$", rest)
        if not found:
            return 404, ""
        transaction = self.transactions.get(found[1])
        if transaction is None:
            return 404, ""
        action = found[2]
        if method == "GET" and action is None:
            return 200, transaction.xml()
        if action == "submit_for_settlement" and method == "PUT":
            return self._change(transaction, ("authorized",), "submitted_for_settlement",
                                ("91507", "Cannot submit for settlement unless status is authorized."))
        if action == "void" and method == "PUT":
            return self._change(transaction, ("authorized", "submitted_for_settlement"), "voided",
                                ("91504", "Transaction can only be voided if status is authorized or submitted_for_settlement."))
        if action == "refund" and method == "POST":
            return self._refund(transaction, params.get("transaction") or {})
        return 404, ""

    def _client_token(self):
        token = base64.b64encode(json.dumps({
            "version": 2, "authorizationFingerprint": secrets.token_hex(16), "environment": "sandbox",
            "configUrl": f"{self.url}/merchants/{self.merchant_id}/client_api/v1/configuration",
            "merchantId": self.merchant_id, "clientApiUrl": f"{self.url}/merchants/{self.merchant_id}/client_api",
        }).encode()).decode()
        return f"<client-token><value>{token}</value></client-token>"

    def _sale(self, params):
        mode = self.next_sale.pop(0) if self.next_sale else None
        if mode in ("500", "401"):
            return int(mode), ""
        if mode == "slow":  # never reaches the processor; answers too late
            return (self.slow_seconds, 500), ""
        amount = Decimal(str(params.get("amount") or "0"))
        outcome = sandbox_outcome(params.get("payment_method_nonce") or "", amount)
        if outcome.error:
            code, message, attribute = outcome.error
            scope = "credit_card" if attribute == "number" else "transaction"
            return 422, error_response(message, errors=[(code, message, attribute)], scope=scope)
        capture = bool((params.get("options") or {}).get("submit_for_settlement"))
        status = "submitted_for_settlement" if outcome.approved and capture else outcome.status
        transaction = Transaction(id=secrets.token_hex(4), amount=amount, status=status,
                                  order_id=params.get("order_id") or "", card_type=outcome.card_type,
                                  last_4=outcome.last_4, response_code=outcome.response_code,
                                  response_text=outcome.response_text, rejection_reason=outcome.rejection_reason)
        with self.lock:
            self.transactions[transaction.id] = transaction
        if outcome.approved:
            if mode == "slow_after_charge":  # charged, but the answer comes after the client gave up
                return (self.slow_seconds, 201), f"{transaction.xml()}"
            return 201, transaction.xml()
        message = outcome.response_text or "Gateway Rejected: " + outcome.rejection_reason
        return 422, error_response(message, transaction)

    def _change(self, transaction, allowed, status, refusal):
        with self.lock:
            if transaction.status not in allowed:
                return 422, error_response(refusal[1], errors=[(refusal[0], refusal[1], "base")])
            transaction.status = status
        return 200, transaction.xml()

    def _refund(self, original, params):
        if original.status not in ("settled", "settling"):
            message = "Cannot refund transaction unless it is settled."
            return 422, error_response(message, errors=[("91506", message, "base")])
        amount = Decimal(str(params.get("amount"))) if params.get("amount") else original.amount
        refund = Transaction(id=secrets.token_hex(4), amount=amount, status="submitted_for_settlement",
                             order_id=original.order_id, type="credit", card_type=original.card_type,
                             last_4=original.last_4, refunded_transaction_id=original.id)
        with self.lock:
            self.transactions[refund.id] = refund
        return 201, refund.xml()

    def _search_ids(self, criteria):
        order_id = ((criteria.get("order_id") or {}).get("is")) or ""
        ids = "".join(f"<item>{t.id}</item>" for t in self.transactions.values() if t.order_id == order_id)
        return f"<search-results><page-size type=\"integer\">50</page-size><ids type=\"array\">{ids}</ids></search-results>"

    def _search(self, criteria):
        wanted = criteria.get("ids") or []
        wanted = wanted if isinstance(wanted, list) else [wanted]
        found = [self.transactions[i] for i in wanted if i in self.transactions]
        return (f"<credit-card-transactions type=\"collection\"><current-page-number type=\"integer\">1</current-page-number>"
                f"<page-size type=\"integer\">50</page-size><total-items type=\"integer\">{len(found)}</total-items>"
                + "".join(t.xml() for t in found) + "</credit-card-transactions>")
