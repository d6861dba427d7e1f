"""Forwarding events to an external analytics service, over real HTTP to a stand-in on 127.0.0.1: off by
default; Plausible's Events API and Matomo's tracking API get the right fields; the page never waits for
the service; a 500 (or a dead service) leaves the event queued to retry with backoff; the CLI drains."""
import json
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
from sqlalchemy import select

from app.analytics.forward import forward_due
from app.analytics.models import ForwardedEvent
from app.analytics.services import record_event
from app.database import utcnow
from app.extensions import db as _db


class TrackerStandIn:
    """Records every request (path, headers, body) and answers `status` (204 by default)."""

    def __init__(self):
        self.requests, self.status, self.delay = [], 204, 0.0
        self.arrived = threading.Condition()
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                time.sleep(standin.delay)
                with standin.arrived:
                    standin.requests.append((self.path, dict(self.headers), body))
                    standin.arrived.notify_all()
                self.send_response(standin.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def wait_for(self, count, timeout=10.0):
        with self.arrived:
            assert self.arrived.wait_for(lambda: len(self.requests) >= count, timeout), self.requests
        return self.requests


@pytest.fixture
def tracker():
    standin = TrackerStandIn()
    standin.thread.start()
    yield standin
    standin.server.shutdown()


@pytest.fixture
def app_config(request):
    if "tracker" not in request.fixturenames:
        return {}
    tracker = request.getfixturevalue("tracker")
    return {"ANALYTICS_FORWARD_URL": tracker.url, "ANALYTICS_FORWARD_KIND": "plausible",
            "ANALYTICS_FORWARD_SITE": "shop.example"}


def queued(app):
    with app.app_context():
        rows = _db.session.execute(select(ForwardedEvent).order_by(ForwardedEvent.id)).scalars().all()
        _db.session.expunge_all()
        return rows


def test_forwarding_is_off_by_default(app, client, make_product):
    lamp = make_product("Lamp")
    client.get(f"/products/{lamp.slug}")
    assert app.config["ANALYTICS_FORWARD_URL"] is None and queued(app) == []


def test_a_product_view_reaches_plausible_after_the_request(app, client, make_product, tracker):
    lamp = make_product("Lamp")
    tracker.delay = 1.0  # a slow service: the page does not wait for it
    started = time.monotonic()
    assert client.get(f"/products/{lamp.slug}").status_code == 200
    assert time.monotonic() - started < 1.0
    [(path, headers, body)] = tracker.wait_for(1)
    assert path == "/api/event" and headers["Content-Type"] == "application/json"
    sent = json.loads(body)
    assert sent == {"name": "pageview", "url": f"http://localhost/products/{lamp.slug}", "domain": "shop.example",
                    "props": {"product_id": lamp.id, "slug": lamp.slug}}  # no session key, nothing personal
    deadline = time.monotonic() + 5
    while queued(app) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert queued(app) == []  # taken: deleted from the queue


def test_a_paid_order_goes_to_matomo_as_an_ecommerce_order(app, tracker):
    app.config.update(ANALYTICS_FORWARD_KIND="matomo", ANALYTICS_FORWARD_SITE="3", ANALYTICS_FORWARD_TOKEN="tok")
    with app.app_context():
        record_event("order_paid", {"number": "261129-ABCDEF", "total": 2495, "currency": "USD", "items": 1,
                                    "session": "0123456789abcdef"}, commit=True)
        assert forward_due() == (1, 0)
    [(path, headers, body)] = tracker.requests
    fields = {key: values[0] for key, values in parse_qs(body.decode()).items()}
    assert path == "/matomo.php" and headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert {key: fields[key] for key in ("idsite", "rec", "ec_id", "revenue", "idgoal", "_id", "token_auth", "url")} == {
        "idsite": "3", "rec": "1", "ec_id": "261129-ABCDEF", "revenue": "24.95", "idgoal": "0",
        "_id": "0123456789abcdef", "token_auth": "tok", "url": "http://localhost/checkout/complete"}
    assert "cdt" in fields


@pytest.mark.parametrize("kind", ["plausible", "matomo"])
def test_a_search_that_found_nothing_never_sends_its_words(app, tracker, kind):
    app.config.update(ANALYTICS_FORWARD_KIND=kind)
    with app.app_context():
        record_event("search", {"query": "jane@example.com", "results": 0}, commit=True)
        record_event("search", {"query": "walnut lamp", "results": 4}, commit=True)
        assert forward_due() == (2, 0)
    bodies = [body.decode() for _path, _headers, body in tracker.requests]
    assert "jane" not in " ".join(bodies)
    assert "walnut" in bodies[1]


def test_a_500_leaves_the_event_to_retry_with_backoff(app, tracker, runner):
    tracker.status = 500
    with app.app_context():
        record_event("refund", {"number": "N1", "amount": 500, "currency": "USD", "full": False}, commit=True)
        assert forward_due() == (0, 1)
    [row] = queued(app)
    assert (row.status, row.attempts, row.last_error) == ("pending", 1, "HTTP 500")
    with app.app_context():
        assert forward_due() == (0, 0)  # not due yet: nothing is sent
        assert forward_due(now=utcnow() + timedelta(seconds=50)) == (0, 0)  # the first retry waits a minute
    assert len(tracker.requests) == 1
    tracker.status = 202
    with app.app_context():
        assert forward_due(now=utcnow() + timedelta(minutes=2)) == (1, 0)
    assert len(tracker.requests) == 2 and queued(app) == []
    assert json.loads(tracker.requests[1][2])["name"] == "refund"


def test_a_dead_service_is_retried_and_gives_up_after_the_last_attempt(app, tracker):
    app.config.update(ANALYTICS_FORWARD_URL="http://127.0.0.1:9", ANALYTICS_FORWARD_MAX_ATTEMPTS=2)
    with app.app_context():
        record_event("refund", {"number": "N2", "amount": 1}, commit=True)
        assert forward_due() == (0, 1)
        assert forward_due(now=utcnow() + timedelta(minutes=2)) == (0, 1)
    [row] = queued(app)
    assert (row.status, row.attempts) == ("failed", 2) and row.last_error


def test_the_cli_drains_the_queue(app, tracker, runner):
    with app.app_context():
        for number in ("A", "B", "C"):
            record_event("refund", {"number": number, "amount": 1}, commit=True)
    result = runner.invoke(args=["analytics", "forward"])
    assert result.exit_code == 0 and "sent 3, not sent 0" in result.output
    assert len(tracker.requests) == 3 and queued(app) == []
