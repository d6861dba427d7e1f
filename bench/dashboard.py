"""`python -m bench.dashboard`: the admin dashboard at 1,000,000 events and 100,000 orders.

Fills a database (SQLite in bench/out/, or PostgreSQL with --database-url / DATABASE_URL: a database for
benchmarks only, its schema is dropped) with a year of made-up shop life written in bulk: products from
the demo generator, 100,000 orders with 1 to 3 lines (some refunded), and 1,000,000 events (product views,
searches from a Zipf-like vocabulary with some that find nothing, adds to cart, checkout starts, paid
orders) from about 1,000 visitors a day. Then it times `flask analytics rollup` over the whole year, and
the dashboard (last 30 days, the default, and a whole year; with the roll-ups, and the 30 days without
them) and one CSV report in-process with the test client, median and p95 over --runs requests each, beside
a bare Flask route in the same app as the reference.
"""
import argparse
import os
import platform
import random
import sqlite3
import statistics
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from bench.stats import percentile

OUT = Path(__file__).resolve().parent / "out"
DAYS = 365
KINDS = (("product_view", 0.52), ("search", 0.25), ("add_to_cart", 0.08), ("checkout_started", 0.05))
PASSWORD = "bench-password-1"


def make_app(url, index):
    from app import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SEARCH_INDEX_DIR": str(index), "TESTING": True,
                       "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
                       "ANALYTICS_LOW_STOCK": 5})


def fill(app, events, orders, products, seed=1):
    from flask_migrate import upgrade
    from sqlalchemy import insert, select, text, update

    from app.analytics.models import Event
    from app.auth.models import User
    from app.auth.passwords import hash_password
    from app.catalog.models import Product
    from app.catalog.seed import seed_demo_catalog
    from app.database import utcnow
    from app.extensions import db
    from app.orders.models import Order, OrderLine

    rng = random.Random(seed)
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            db.session.commit()
        upgrade()
        started = time.perf_counter()
        seed_demo_catalog(products, seed=seed)
        db.session.execute(update(Product).where(Product.id % 97 == 0).values(stock=Product.id % 5))
        db.session.add(User(email="admin@example.com", name="Admin", password_hash=hash_password(PASSWORD),
                            is_admin=True, email_verified_at=utcnow()))
        db.session.commit()
        catalog = db.session.execute(select(Product.id, Product.sku, Product.name, Product.price)).all()
        now = utcnow()
        year_ago = now - timedelta(days=DAYS)

        def moment():
            return year_ago + timedelta(seconds=rng.random() * DAYS * 86400)

        order_rows, line_rows = [], []
        for number in range(1, orders + 1):
            lines = [rng.choice(catalog) for _ in range(rng.randint(1, 3))]
            quantities = [rng.randint(1, 3) for _ in lines]
            subtotal = sum(p.price * q for p, q in zip(lines, quantities))
            status = rng.choices(("paid", "shipped", "delivered", "refunded", "partially_refunded", "cancelled"),
                                 (30, 30, 30, 3, 3, 4))[0]
            refunded = subtotal if status == "refunded" else (subtotal // 4 if status == "partially_refunded" else 0)
            at = moment()
            order_rows.append({"id": number, "number": f"B{number:08d}", "email": f"b{number}@example.com",
                               "status": status, "currency": "USD", "subtotal": subtotal, "shipping": 0, "tax": 0,
                               "total": subtotal, "refunded": refunded, "created_at": at, "updated_at": at,
                               "stock_taken": False, "payment_attempts": 1})
            line_rows.extend({"order_id": number, "product_id": p.id, "sku": p.sku, "name": p.name,
                              "unit_price": p.price, "quantity": q, "line_total": p.price * q}
                             for p, q in zip(lines, quantities))
        for i in range(0, len(order_rows), 5000):
            db.session.execute(insert(Order), order_rows[i:i + 5000])
        for i in range(0, len(line_rows), 10000):
            db.session.execute(insert(OrderLine), line_rows[i:i + 10000])
        db.session.commit()
        print(f"  {products:,} products, {orders:,} orders, {len(line_rows):,} lines in {time.perf_counter() - started:.0f} s")

        started = time.perf_counter()
        vocabulary = [f"word{i}" for i in range(3000)]
        weights = [1 / (i + 1) for i in range(len(vocabulary))]
        paid_times = sorted(row["created_at"] for row in order_rows)
        rows = [{"kind": "order_paid", "user_id": None, "created_at": at,
                 "data": {"number": f"B{i:08d}", "total": 1000, "currency": "USD", "items": 1}}
                for i, at in enumerate(paid_times[:events // 10], 1)]
        kinds, kind_weights = zip(*KINDS)
        while len(rows) < events:
            at = moment()
            session = f"{(int(at.timestamp()) // 86400) * 1000 + rng.randrange(1000):016x}"  # ~1,000 visitors a day
            kind = rng.choices(kinds, kind_weights)[0]
            if kind == "search":
                query = rng.choices(vocabulary, weights)[0]
                data = {"query": query, "results": 0 if query.endswith("7") else rng.randint(1, 40), "session": session}
            elif kind == "checkout_started":
                data = {"items": rng.randint(1, 4), "session": session}
            else:
                data = {"product_id": rng.choice(catalog).id, "session": session}
            rows.append({"kind": kind, "user_id": None, "created_at": at, "data": data})
        for i in range(0, len(rows), 10000):
            db.session.execute(insert(Event), rows[i:i + 10000])
            db.session.commit()
        print(f"  {len(rows):,} events in {time.perf_counter() - started:.0f} s")
        if db.engine.dialect.name == "postgresql":
            # What autovacuum does after a bulk load (statistics, and the visibility map for index-only scans) (SQLite is measured without statistics, as it runs).
            db.session.commit()
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("VACUUM ANALYZE"))
        db.engine.dispose()


def timed(client, url, runs):
    client.get(url)  # warm-up
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    return times


def line(label, times, reference):
    median, p95 = statistics.median(times) * 1000, percentile(times, 95) * 1000
    return f"| {label} | {median:.1f} | {p95:.1f} | {median / reference:.0f}x |"


def measure(app, runs):
    from sqlalchemy import delete

    from app.analytics.models import DailyMetric
    from app.extensions import db

    app.add_url_rule("/bench/bare", "bench_bare", lambda: "ok")
    client = app.test_client()
    assert client.post("/login", data={"email": "admin@example.com", "password": PASSWORD}).status_code == 303
    today = datetime.now(timezone.utc).date()
    year = f"start={today - timedelta(days=DAYS)}&end={today}"
    results = [("bare Flask route (reference)", timed(client, "/bench/bare", runs))]
    with app.app_context():
        db.session.execute(delete(DailyMetric))
        db.session.commit()
    results.append(("dashboard, 30 days, no roll-ups (from the events)", timed(client, "/admin/dashboard", max(runs // 4, 5))))
    runner = app.test_cli_runner()
    started = time.perf_counter()
    result = runner.invoke(args=["analytics", "rollup"])
    rollup_seconds = time.perf_counter() - started
    assert result.exit_code == 0, result.output
    started = time.perf_counter()
    runner.invoke(args=["analytics", "rollup"])
    again_seconds = time.perf_counter() - started
    results += [
        ("dashboard, 30 days (default)", timed(client, "/admin/dashboard", runs)),
        ("dashboard, 365 days", timed(client, f"/admin/dashboard?{year}", runs)),
        ("top-searches.csv, 365 days", timed(client, f"/admin/dashboard/top-searches.csv?{year}", runs)),
        ("sales.csv, 365 days", timed(client, f"/admin/dashboard/sales.csv?{year}", runs)),
    ]
    reference = statistics.median(results[0][1]) * 1000
    print(f"\n`flask analytics rollup`: {DAYS + 1} days in {rollup_seconds:.1f} s; run again (nothing new): "
          f"{again_seconds * 1000:.0f} ms\n")
    print("| request | median ms | p95 ms | × bare route |\n|---|---|---|---|")
    for label, times in results:
        print(line(label, times, reference))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--products", type=int, default=2_000)
    parser.add_argument("--runs", type=int, default=40, help="timed requests per row")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"),
                        help="PostgreSQL for benchmarks only (its schema is dropped); default: SQLite in bench/out/")
    parser.add_argument("--keep", action="store_true", help="reuse the data of the last run (measure only)")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    from app.config import database_url_from_env

    if args.database_url:
        url, kind = database_url_from_env(args.database_url), "PostgreSQL"
    else:
        path = OUT / "dashboard.db"
        if not args.keep:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        url, kind = f"sqlite:///{path}", f"SQLite {sqlite3.sqlite_version}"
    print(f"# Admin dashboard: {args.events:,} events, {args.orders:,} orders ({kind}, Python "
          f"{platform.python_version()}, {os.cpu_count()} cores)")
    app = make_app(url, OUT / "dashboard-index")
    if not args.keep:
        fill(app, args.events, args.orders, args.products)
    measure(app, args.runs)


if __name__ == "__main__":
    main()
