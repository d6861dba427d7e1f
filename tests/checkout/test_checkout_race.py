"""The race: 100 buyers at once over real HTTP for a product with 10 in stock. Exactly 10 orders are
placed and paid, stock ends at 0 and is never below it, and the gateway stand-in sees exactly 10 charges.

On PostgreSQL the shop runs under gunicorn with several worker processes (the production server); on
SQLite it is the served test app (threads in this process). CSRF is on, as in production."""
import os
import re
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from html import unescape
from pathlib import Path

import pytest
import requests

from app.catalog.models import Product
from app.extensions import db
from app.orders.models import Order
from tests.commerce import ADDRESS, VISA, field_value
from tests.conftest import free_port
from tests.factories import make_product

BUYERS, STOCK, WORKERS = 100, 10, 4
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def app_config(standin):
    return {**standin.config, "BRAINTREE_TIMEOUT": 60, "WTF_CSRF_ENABLED": True,
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "pool_size": 20, "max_overflow": 100,
                                          "pool_timeout": 60}}


@pytest.fixture
def shop_url(app, standin, tmp_path, request):
    """The shop over HTTP: gunicorn workers on PostgreSQL, the live test server on SQLite."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if not url.startswith("postgresql"):
        yield request.getfixturevalue("live_server").url
        return
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "race-secret", "SHOP_BASE_URL": base,
           "SEARCH_INDEX_DIR": str(tmp_path / "index"), "RATELIMIT_ENABLED": "0", "LOG_LEVEL": "WARNING",
           "BRAINTREE_MERCHANT_ID": standin.merchant_id, "BRAINTREE_PUBLIC_KEY": standin.public_key,
           "BRAINTREE_PRIVATE_KEY": standin.private_key, "BRAINTREE_ENVIRONMENT_URL": standin.url,
           "BRAINTREE_TIMEOUT": "60"}
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    server = subprocess.Popen([gunicorn, "-w", str(WORKERS), "-b", f"127.0.0.1:{port}", "--log-level", "warning",
                               "wsgi:app"], cwd=ROOT, env=env)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        else:
            pytest.fail("gunicorn did not start")
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def csrf_token(html):
    match = re.search(r"X-CSRFToken&#34;: &#34;([^&]+)&#34;", html) or re.search(r'"X-CSRFToken": "([^"]+)"', html)
    return unescape(match.group(1))


def prepare_buyer(base, product, number):
    """A buyer with the product in the cart, contact and shipping done, the review form in hand."""
    session = requests.Session()
    token = csrf_token(session.get(f"{base}/products/{product['slug']}", timeout=60).text)
    post = lambda path, data: session.post(f"{base}{path}", data={**data, "csrf_token": token},  # noqa: E731
                                          allow_redirects=False, timeout=60)
    assert post("/cart/add", {"product_id": product["id"], "quantity": "1"}).status_code == 303
    assert post("/checkout/contact", {"email": f"buyer{number}@example.com", "address_choice": "new",
                                      **ADDRESS}).status_code == 303
    assert post("/checkout/shipping", {"method": "standard"}).status_code == 303
    review = session.get(f"{base}/checkout/review", timeout=60)
    assert review.status_code == 200, review.text[:300]
    form = {"token": field_value(review.text, "token"), "quote": field_value(review.text, "quote"),
            "csrf_token": token, "payment_method_nonce": VISA}
    return session, form


def test_100_buyers_for_10_in_stock(app, shop_url, standin):
    lamps = make_product(app, "Last lamps", price=1500, stock=STOCK)
    product_id, product = lamps.id, {"id": lamps.id, "slug": lamps.slug}
    with ThreadPoolExecutor(8) as pool:
        buyers = list(pool.map(lambda n: prepare_buyer(shop_url, product, n), range(BUYERS)))

    lowest, done = [STOCK], threading.Event()

    def watch_stock():
        with app.app_context():
            while not done.is_set():
                lowest.append(db.session.execute(db.select(Product.stock).where(Product.id == product_id)).scalar_one())
                db.session.rollback()
                time.sleep(0.005)

    watcher = threading.Thread(target=watch_stock)
    watcher.start()
    barrier, answers = threading.Barrier(BUYERS), [None] * BUYERS

    def place(i):
        session, form = buyers[i]
        barrier.wait(timeout=60)
        answers[i] = session.post(f"{shop_url}/checkout/place", data=form, allow_redirects=False, timeout=120)

    threads = [threading.Thread(target=place, args=(i,)) for i in range(BUYERS)]
    [t.start() for t in threads]
    [t.join(180) for t in threads]
    done.set()
    watcher.join(10)

    locations = [a.headers.get("Location", "") for a in answers]
    assert all(a.status_code == 303 for a in answers), {a.status_code for a in answers}
    won = [l for l in locations if "/checkout/confirmation/" in l]
    assert len(won) == STOCK and locations.count("/cart") == BUYERS - STOCK
    with app.app_context():
        statuses = db.session.execute(db.select(Order.status)).scalars().all()
        assert statuses == ["paid"] * STOCK
        assert db.session.get(Product, product_id).stock == 0
    assert min(lowest) >= 0
    assert len(standin.charges()) == STOCK and len(standin.sales()) == STOCK
    # a loser is told why, on the cart page
    loser = next(session for (session, _form), location in zip(buyers, locations) if location == "/cart")
    assert "sold out" in loser.get(f"{shop_url}/cart", timeout=60).text
