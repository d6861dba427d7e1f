"""Forwarding events to an external analytics service (off unless ANALYTICS_FORWARD_URL is set).

The events are written to analytics_forward_queue together with the events themselves
(app.analytics.services), so nothing is lost when the service is down. After a request (or a batch of
queued events) committed some, `wake_sender` wakes one daemon thread per process that sends what is
due, so a page never waits for the service. A row the service refused (an HTTP error, a timeout) is
tried again after 1, 5, 15, 60 and then 180 minutes, and marked "failed" after
ANALYTICS_FORWARD_MAX_ATTEMPTS; `flask analytics forward` sends what is due too (cron, or after an
outage). A row the service took is deleted: the queue stays small.

Two adapters, chosen by ANALYTICS_FORWARD_KIND:
- "plausible": Plausible's Events API, `POST <url>/api/event` with JSON {name, url, domain, props}
  (and `revenue` for a paid order); the domain is ANALYTICS_FORWARD_SITE.
- "matomo": Matomo's tracking API, `POST <url>/matomo.php` form fields (idsite, rec, url, action_name,
  an event category/action or an ecommerce order); `_id` is the event's hashed visitor id, and with
  ANALYTICS_FORWARD_TOKEN (token_auth) the event keeps its own time (`cdt`).
Nothing personal is sent: the event data never holds any (app.analytics.services), and no client IP
or User-Agent is passed on, so the service sees every event as coming from the shop's server.
"""
import json
import logging
import threading
from datetime import timedelta
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

from flask import current_app
from sqlalchemy import delete, select, update

from app.analytics.models import ForwardedEvent
from app.database import utcnow
from app.extensions import db

log = logging.getLogger(__name__)

BACKOFF_MINUTES = (1, 5, 15, 60, 180)
CLAIM_LEASE = timedelta(minutes=5)
USER_AGENT = "the-shop-analytics-forwarder/1"
# Where each event happened, for services that count pages.
PATHS = {"product_view": "/products/{slug}", "search": "/search", "add_to_cart": "/cart",
         "checkout_started": "/checkout", "order_paid": "/checkout/complete", "refund": "/admin/orders"}
PLAUSIBLE_NAMES = {"product_view": "pageview"}  # Plausible counts "pageview" as a page view


class ForwardError(Exception):
    """The service did not take the event; the message says why (kept on the row)."""


def backoff_after(attempts):
    return timedelta(minutes=BACKOFF_MINUTES[min(attempts, len(BACKOFF_MINUTES)) - 1])


def page_url(config, kind, data):
    path = PATHS.get(kind, "/").format(slug=data.get("slug", ""))
    return config["SHOP_BASE_URL"].rstrip("/") + path


def shareable_query(data):
    """The search text, only when it found products: shoppers paste emails, phone numbers and order
    numbers into search boxes, and such a search finds nothing, so its words never leave the shop."""
    return data.get("query", "") if data.get("results", 0) > 0 else ""


def public_props(data):
    """Event data as the service may see it: scalars only, without the visitor id or a search's words
    that found nothing."""
    props = {key: value for key, value in data.items()
             if key not in ("session", "query") and isinstance(value, (str, int, float, bool))}
    if shareable_query(data):
        props["query"] = shareable_query(data)
    return props


def plausible_request(config, event):
    body = {"name": PLAUSIBLE_NAMES.get(event.kind, event.kind), "url": page_url(config, event.kind, event.data),
            "domain": config["ANALYTICS_FORWARD_SITE"], "props": public_props(event.data)}
    if event.kind == "order_paid":
        body["revenue"] = {"currency": event.data.get("currency", config["CURRENCY"]),
                           "amount": f"{event.data.get('total', 0) / 100:.2f}"}
    url = config["ANALYTICS_FORWARD_URL"].rstrip("/") + "/api/event"
    return Request(url, data=json.dumps(body).encode(), method="POST",
                   headers={"Content-Type": "application/json", "User-Agent": USER_AGENT})


def matomo_request(config, event):
    data = event.data
    fields = {"idsite": config["ANALYTICS_FORWARD_SITE"], "rec": "1", "apiv": "1", "send_image": "0",
              "url": page_url(config, event.kind, data), "action_name": event.kind}
    if data.get("session"):
        fields["_id"] = data["session"][:16]
    if config.get("ANALYTICS_FORWARD_TOKEN"):
        fields["token_auth"] = config["ANALYTICS_FORWARD_TOKEN"]
        fields["cdt"] = event.occurred_at.strftime("%Y-%m-%d %H:%M:%S")
    if event.kind == "order_paid":
        fields.update(idgoal="0", ec_id=data.get("number", ""), revenue=f"{data.get('total', 0) / 100:.2f}")
    elif event.kind == "search":
        fields.update(search=shareable_query(data) or "(no results)", search_count=str(data.get("results", 0)))
    else:
        fields.update(e_c="shop", e_a=event.kind,
                      e_n=str(data.get("product_id") or data.get("number") or ""))
        if event.kind == "refund":
            fields["e_v"] = f"{data.get('amount', 0) / 100:.2f}"
    url = config["ANALYTICS_FORWARD_URL"].rstrip("/") + "/matomo.php"
    return Request(url, data=urlencode(fields).encode(), method="POST",
                   headers={"Content-Type": "application/x-www-form-urlencoded", "User-Agent": USER_AGENT})


ADAPTERS = {"plausible": plausible_request, "matomo": matomo_request}


def send(config, event):
    """One event to the service; ForwardError unless it answered 2xx."""
    adapter = ADAPTERS.get(config["ANALYTICS_FORWARD_KIND"])
    if adapter is None:
        raise ForwardError(f"unknown ANALYTICS_FORWARD_KIND {config['ANALYTICS_FORWARD_KIND']!r}")
    try:
        with urlopen(adapter(config, event), timeout=config["ANALYTICS_FORWARD_TIMEOUT"]) as response:
            response.read()
    except HTTPError as error:
        raise ForwardError(f"HTTP {error.code}") from error
    except (URLError, OSError) as error:
        raise ForwardError(f"{type(error).__name__}: {error}") from error


def _claim(ids, now):
    """Take due rows for this attempt (pushed past a lease), so two senders never send one row twice."""
    claimed = []
    for row_id in ids:
        taken = db.session.execute(
            update(ForwardedEvent)
            .where(ForwardedEvent.id == row_id, ForwardedEvent.status == "pending",
                   ForwardedEvent.next_attempt_at <= now)
            .values(next_attempt_at=now + CLAIM_LEASE).execution_options(synchronize_session=False)
        ).rowcount
        if taken:
            claimed.append(row_id)
    db.session.commit()
    return claimed


def forward_due(now=None, limit=500):
    """Send every due row (oldest first). Returns (sent, not_sent)."""
    config = current_app.config
    now = now or utcnow()
    due = db.session.execute(
        select(ForwardedEvent.id).where(ForwardedEvent.status == "pending", ForwardedEvent.next_attempt_at <= now)
        .order_by(ForwardedEvent.id).limit(limit)
    ).scalars().all()
    sent = 0
    for row_id in _claim(due, now):
        event = db.session.get(ForwardedEvent, row_id, populate_existing=True)
        try:
            send(config, event)
        except ForwardError as error:
            event.attempts += 1
            event.last_error = str(error)[:2000]
            if event.attempts >= config["ANALYTICS_FORWARD_MAX_ATTEMPTS"]:
                event.status = "failed"
                log.error("analytics event %s not forwarded after %d attempts: %s", row_id, event.attempts, error)
            else:
                event.next_attempt_at = now + backoff_after(event.attempts)
                log.warning("analytics event %s not forwarded (attempt %d): %s", row_id, event.attempts, error)
        else:
            db.session.execute(delete(ForwardedEvent).where(ForwardedEvent.id == row_id))
            sent += 1
        db.session.commit()
    return sent, len(due) - sent


class Sender:
    """One daemon thread per process that sends due rows whenever it is woken."""

    def __init__(self):
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._thread = None
        self._app = None

    def wake(self, app):
        with self._lock:
            self._app = app
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="analytics-forward", daemon=True)
                self._thread.start()
        self._wake.set()

    def _run(self):
        while True:
            self._wake.wait()
            self._wake.clear()
            with self._app.app_context():
                try:
                    forward_due()
                except Exception:  # noqa: BLE001 — the rows stay queued; the next wake or the CLI retries
                    log.exception("forwarding analytics events failed")
                    db.session.rollback()
                finally:
                    db.session.remove()


_sender = Sender()


def wake_sender(app):
    if app.config.get("ANALYTICS_FORWARD_URL"):
        _sender.wake(app)


def wake_after_request(response):
    """after_request: a request that wrote forwarding rows (record_event) wakes the sender once it has
    committed them; the response is not held up (the thread sends)."""
    if db.session.info.pop("analytics_forward", False):
        wake_sender(current_app._get_current_object())
    return response


def register_forwarding(app):
    app.after_request(wake_after_request)
