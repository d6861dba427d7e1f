"""`python -m bench.checkout`: checkout benchmarks (part of `make bench`).

Against gunicorn on loopback, with BUYERS concurrent keep-alive shoppers (each a real session with a cart
and the checkout steps done, CSRF on): the latency of placing an order (POST /checkout/place: the order,
its stock UPDATEs and change log, the charge, the cart, the outbox mail, the search index catching up),
*excluding the gateway's own time*, which the shop reports in its Server-Timing header; the checkout step
pages (contact, shipping, review); and a bare Flask route as the reference, all in the same run.

The gateway is the offline test mode by default; `--standin` also runs the series against the Braintree
stand-in over HTTP (the real SDK), whose time is subtracted the same way.
"""
import argparse
import http.client
import os
import platform
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from html import unescape
from pathlib import Path

import requests

from bench.load import http_latencies, start_gunicorn, stop_gunicorn
from bench.stats import percentile, summary

OUT = Path(__file__).resolve().parent / "out"
TARGET_P95 = 0.150
ADDRESS = {"address_choice": "new", "full_name": "Bench Buyer", "line1": "1 Load Street", "city": "Springfield",
           "region": "CA", "postcode": "94000", "country": "US"}


def prepare_database(size, database_url=None):
    """A migrated shop with `size` demo products and a built search index. SQLite: copied fresh for each
    series from a template kept in bench/out/ (seeding is the slow part). PostgreSQL (`database_url`, a
    database for benchmarks only: its schema is dropped): seeded afresh for each series."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from app import create_app
    from app.catalog.models import Product
    from app.catalog.seed import product_count, seed_demo_catalog
    from app.extensions import db
    from app.search.feed import product_feed
    from app.search.indexing import rebuild_index

    template = OUT / f"checkout-template-{size}.db"
    index = OUT / (f"checkout-index-{size}" if not database_url else "checkout-run-index")
    if database_url:
        shutil.rmtree(index, ignore_errors=True)
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url or f"sqlite:///{template}",
                      "SEARCH_INDEX_DIR": str(index), "TESTING": True, "SECRET_KEY": "bench"})
    with app.app_context():
        if database_url:
            db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            db.session.commit()
        upgrade()
        if product_count() < size:
            seed_demo_catalog(size, seed=1)
            # Plenty of stock on the products the buyers take, so every order can be placed.
            db.session.execute(db.update(Product).where(Product.id <= 50).values(stock=1_000_000, is_active=True))
            db.session.commit()
            rebuild_index(str(index), product_feed(), procs=1)
        products = [{"id": i, "slug": slug} for i, slug in db.session.execute(
            db.select(Product.id, Product.slug).where(Product.id <= 50).order_by(Product.id)).all()]
        db.engine.dispose()
    if database_url:
        return database_url, index, products
    work = OUT / "checkout-run.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{work}{suffix}").unlink(missing_ok=True)
    with sqlite3.connect(template) as connection:  # the last writes may still be in the WAL file
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copy(template, work)
    work_index = OUT / "checkout-run-index"
    shutil.rmtree(work_index, ignore_errors=True)
    shutil.copytree(index, work_index, symlinks=True)  # `current` is a symlink to the live generation
    return f"sqlite:///{work}", work_index, products


def csrf_token(html):
    """The token htmx sends, from <body hx-headers='{"X-CSRFToken": "..."}'>."""
    return unescape(re.search(r'"X-CSRFToken": "([^"]+)"', html).group(1))


def field(html, name):
    return unescape(re.search(rf'name="{name}"[^>]*value="([^"]*)"', html).group(1))


def prepare_buyer(base, products, number):
    """A shopper with two products in the cart and contact and shipping done; returns (session, form)."""
    session = requests.Session()
    token = csrf_token(session.get(f"{base}/products/{products[number % len(products)]['slug']}").text)

    def post(path, data):
        response = session.post(f"{base}{path}", data={**data, "csrf_token": token}, allow_redirects=False)
        if response.status_code != 303:
            raise RuntimeError(f"{path}: HTTP {response.status_code}")

    for offset in (0, 7):
        post("/cart/add", {"product_id": products[(number + offset) % len(products)]["id"], "quantity": "1"})
    post("/checkout/contact", {"email": f"buyer{number}@example.com", **ADDRESS})
    post("/checkout/shipping", {"method": "standard"})
    review = session.get(f"{base}/checkout/review").text
    return session, {"token": field(review, "token"), "quote": field(review, "quote"), "csrf_token": token,
                     "payment_method_nonce": "fake-valid-visa-nonce"}


def _cookies(session):
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in session.cookies)


def _closed_loop(base, buyers, clients, visit):
    """Run visit(connection, session, form) for every buyer, `clients` threads at a time, each with one
    keep-alive http.client connection (as light a client as the bare-route reference uses)."""
    host, port = base.split("//")[1].split(":")
    errors = []

    def client(mine):
        connection = http.client.HTTPConnection(host, int(port), timeout=60)
        try:
            for session, form in mine:
                visit(connection, session, form)
        except Exception as error:  # noqa: BLE001 — reported after the threads end
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=client, args=(buyers[i::clients],)) for i in range(clients)]
    [thread.start() for thread in threads]
    [thread.join() for thread in threads]
    if errors:
        raise errors[0]


def place_latencies(base, buyers, clients):
    """POST /checkout/place for every prepared buyer (closed loop); returns the latencies without the
    gateway's time, and the gateway's times."""
    latencies, gateway, lock = [], [], threading.Lock()

    def visit(connection, session, form):
        body = urllib.parse.urlencode(form)
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": _cookies(session)}
        started = time.perf_counter()
        connection.request("POST", "/checkout/place", body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        elapsed = time.perf_counter() - started
        location = response.getheader("Location", "")
        if response.status != 303 or "/checkout/confirmation/" not in location:
            alerts = re.findall(r'class="alert[^"]*">([^<]+)', session.get(f"{base}/cart").text)
            raise RuntimeError(f"place: HTTP {response.status} {location} {alerts}")
        waited = float(re.search(r"gateway;dur=([0-9.]+)", response.getheader("Server-Timing")).group(1)) / 1000
        with lock:
            latencies.append(elapsed - waited)
            gateway.append(waited)

    _closed_loop(base, buyers, clients, visit)
    return latencies, gateway


def page_latencies(base, buyers, clients, paths):
    latencies, lock = [], threading.Lock()

    def visit(connection, session, _form):
        for path in paths:
            started = time.perf_counter()
            connection.request("GET", path, headers={"Cookie": _cookies(session)})
            response = connection.getresponse()
            response.read()
            elapsed = time.perf_counter() - started
            if response.status != 200:
                raise RuntimeError(f"{path}: HTTP {response.status}")
            with lock:
                latencies.append(elapsed)

    _closed_loop(base, buyers, clients, visit)
    return latencies


def cpu_snapshot(server_pid):
    """(CPU seconds of gunicorn and its workers, of this process, /proc/stat total and idle jiffies)."""
    tick = os.sysconf("SC_CLK_TCK")
    children = Path(f"/proc/{server_pid}/task/{server_pid}/children").read_text().split()
    workers = 0
    for pid in [server_pid, *map(int, children)]:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        workers += int(fields[11]) + int(fields[12])  # utime, stime
    jiffies = list(map(int, Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]))
    own = os.times()
    return workers / tick, own.user + own.system, sum(jiffies), jiffies[3] + jiffies[4]


def cpu_per_order(before, after, orders):
    """Workers' and this process's CPU per order, and the share of the machine left idle, between two
    snapshots: where an order's time goes when the workers are not busy all the time."""
    workers, client, total, idle = (b - a for a, b in zip(before, after))
    return workers / orders, client / orders, idle / total if total else 0.0


def run_series(label, env, products, args):
    server, base = start_gunicorn(env, args.workers, args.threads)
    results = {}
    try:
        threads = f", {args.threads} threads each" if args.threads > 1 else " (sync)"
        print(f"  -- gunicorn, {args.workers} workers{threads}, gateway: {label}")
        bare, steps, place, gateway, quiet, cpu = [], [], [], [], [], []
        # Warm-up, not measured: a few orders through every worker (templates compiled, connections open,
        # the gateway's client ready), as a server that has been taking orders is.
        warm = [prepare_buyer(base, products, n) for n in range(4 * args.workers * args.threads)]
        page_latencies(base, warm, args.workers, ["/checkout/contact", "/checkout/shipping", "/checkout/review"])
        place_latencies(base, warm, args.workers * args.threads)
        for _ in range(args.runs):
            with ThreadPoolExecutor(8) as pool:
                buyers = list(pool.map(lambda n: prepare_buyer(base, products, n), range(args.orders)))
            bare += http_latencies(base, "/bench/bare?q=", ["x"] * args.orders, args.buyers)
            steps += page_latencies(base, buyers, args.buyers,
                                    ["/checkout/contact", "/checkout/shipping", "/checkout/review"])
            half = len(buyers) // 2
            before = cpu_snapshot(server.pid)
            latencies, waited = place_latencies(base, buyers[:half], args.buyers)
            cpu.append(cpu_per_order(before, cpu_snapshot(server.pid), half))
            place += latencies
            gateway += waited
            # One buyer per worker: the order's own time over HTTP, without the queue that BUYERS
            # closed-loop clients build in front of the workers.
            quiet += place_latencies(base, buyers[half:], args.workers)[0]
        print(f"  {'bare Flask route':<34} {summary(bare)}   ({len(bare)} requests, {args.buyers} clients)")
        print(f"  {'checkout step pages':<34} {summary(steps)}   ({len(steps)} requests)")
        print(f"  {'place order, without the gateway':<34} {summary(place)}   ({len(place)} orders, "
              f"{args.buyers} buyers)")
        print(f"  {'  (the gateway itself)':<34} {summary(gateway)}")
        print(f"  {f'place order, {args.workers} buyers (no queue)':<34} {summary(quiet)}   ({len(quiet)} orders)")
        print(f"  {f'CPU per order, {args.buyers} buyers':<34} " + "; ".join(
            f"workers {w * 1000:.1f} ms, bench client {c * 1000:.1f} ms, machine idle {i:.0%}" for w, c, i in cpu))
        p95 = percentile(place, 95)
        verdict = "within" if p95 <= TARGET_P95 else "OVER"
        print(f"  {'place p95 / bare p95':<34} {p95 / percentile(bare, 95):.1f}x; "
              f"target p95 <= {TARGET_P95 * 1000:.0f} ms at {args.buyers} buyers: {verdict}")
        print(f"  {'step pages p95 / bare p95':<34} {percentile(steps, 95) / percentile(bare, 95):.1f}x")
        results = {"place": place, "steps": steps, "bare": bare}
    finally:
        stop_gunicorn(server)
    return results


def main():
    parser = argparse.ArgumentParser(prog="python -m bench.checkout", description=__doc__.split("\n")[0])
    parser.add_argument("--products", type=int, default=10_000, help="catalog size (the search index follows stock)")
    parser.add_argument("--orders", type=int, default=320, help="orders placed per run (all buyers)")
    parser.add_argument("--buyers", type=int, default=16, help="concurrent buyers")
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (gthread); 1: sync workers")
    parser.add_argument("--database-url", help="a PostgreSQL database for benchmarks only (its schema is dropped); "
                                               "default: SQLite in bench/out/")
    parser.add_argument("--standin", action="store_true", help="also run against the Braintree stand-in (HTTP)")
    args = parser.parse_args()
    os.environ.setdefault("SECRET_KEY", "bench-only-secret")
    OUT.mkdir(exist_ok=True)
    print(f"# checkout benchmarks, {time.strftime('%Y-%m-%d %H:%M')}, {platform.node()}, {os.cpu_count()} CPUs, "
          f"load {os.getloadavg()[0]:.2f}, Python {platform.python_version()}")
    print(f"\n## {args.products:,} products, {args.buyers} concurrent buyers, {args.orders} orders per run, "
          f"{args.runs} runs, {'PostgreSQL' if args.database_url else 'SQLite'}")
    series = [("test mode (in-process)", {})]
    standin = None
    if args.standin:
        # The stand-in runs in a process of its own (bench/standin_process.py), with its default keys.
        standin = subprocess.Popen([sys.executable, "-m", "bench.standin_process"], cwd=Path(__file__).parent.parent,
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        series.append(("Braintree SDK -> stand-in over HTTP", {
            "BRAINTREE_MERCHANT_ID": "standin_merchant", "BRAINTREE_PUBLIC_KEY": "standin_public",
            "BRAINTREE_PRIVATE_KEY": "standin_private", "BRAINTREE_ENVIRONMENT_URL": standin.stdout.readline().strip(),
            "BRAINTREE_TIMEOUT": "30"}))
    try:
        for label, extra in series:
            database, index, products = prepare_database(args.products, args.database_url)
            env = {"DATABASE_URL": database, "SEARCH_INDEX_DIR": str(index), "LOG_LEVEL": "WARNING",
                   "BENCH_FTS_DB": str(OUT / "unused-fts.db"), "SHOP_BASE_URL": "http://127.0.0.1:5000",
                   "MAIL_FILE_DIR": str(OUT / "checkout-mail"), **extra}
            results = run_series(label, env, products, args)
            if results:
                print(f"  {'median place / median bare':<34} "
                      f"{statistics.median(results['place']) / statistics.median(results['bare']):.1f}x")
    finally:
        if standin is not None:
            standin.stdin.close()
            standin.wait(timeout=30)


if __name__ == "__main__":
    main()
