"""`python -m bench.place_profile [--orders 60] [--profile]`: the CPU one order costs, in one process.

Placing an order is CPU-bound: with 16 closed-loop buyers on 2 cores every order waits for the others'
CPU, so the per-order CPU time decides the HTTP bench's queueing (bench/checkout.py). This measures it
without HTTP or a second process: a 1,000-product SQLite shop, N shoppers brought to the review step
through the real endpoints (Flask's test client, CSRF off), then N `POST /checkout/place` in the offline
test mode. Prints CPU and wall time per order and SQL statements per order; `--profile` adds a cProfile
listing of the slowest calls (cProfile roughly triples the times).
"""
import argparse
import cProfile
import io
import pstats
import re
import tempfile
import time
from html import unescape

from sqlalchemy import event

from bench.stats import percentile

ADDRESS = {"address_choice": "new", "full_name": "Bench Buyer", "line1": "1 Load Street", "city": "Springfield",
           "region": "CA", "postcode": "94000", "country": "US"}


def shop(folder):
    from flask_migrate import upgrade

    from app import create_app
    from app.catalog.models import Product
    from app.catalog.seed import seed_demo_catalog
    from app.extensions import db
    from app.search.feed import product_feed
    from app.search.indexing import rebuild_index

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/shop.db", "SEARCH_INDEX_DIR": f"{folder}/index",
                      "TESTING": True, "SECRET_KEY": "bench", "LOG_LEVEL": "ERROR", "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
                      "MAIL_SERVER": None, "MAIL_FILE_DIR": f"{folder}/mail", "SHOP_BASE_URL": "http://localhost"})
    with app.app_context():
        upgrade()
        seed_demo_catalog(1000, seed=1)
        db.session.execute(db.update(Product).where(Product.id <= 50).values(stock=1_000_000, is_active=True))
        db.session.commit()
        rebuild_index(f"{folder}/index", product_feed(), procs=1)
    return app


def ready_buyer(app, number):
    """A test client with two products in the cart, contact and shipping done; returns (client, form)."""
    client = app.test_client()
    for offset in (0, 7):
        assert client.post("/cart/add", data={"product_id": 1 + (number + offset) % 50, "quantity": "1"}).status_code == 303
    assert client.post("/checkout/contact", data={"email": f"buyer{number}@example.com", **ADDRESS}).status_code == 303
    assert client.post("/checkout/shipping", data={"method": "standard"}).status_code == 303
    html = client.get("/checkout/review").get_data(as_text=True)

    def field(name):
        return unescape(re.search(rf'name="{name}"[^>]*value="([^"]*)"', html).group(1))

    return client, {"token": field("token"), "quote": field("quote"), "payment_method_nonce": "fake-valid-visa-nonce"}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=60)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        app = shop(folder)
        buyers = [ready_buyer(app, n) for n in range(args.orders + 1)]
        client, form = buyers.pop()  # one order first: imports, template compilation, first connections
        assert client.post("/checkout/place", data=form).status_code == 303
        statements = [0]
        with app.app_context():
            from app.extensions import db

            event.listen(db.engine, "before_cursor_execute", lambda *_: statements.__setitem__(0, statements[0] + 1))
        profiler = cProfile.Profile()
        cpu_each, wall = [], time.perf_counter()
        if args.profile:
            profiler.enable()
        for client, form in buyers:
            started = time.process_time()
            response = client.post("/checkout/place", data=form)
            assert response.status_code == 303
            response.close()  # as a server does once the answer is sent: the confirmation mail goes now
            cpu_each.append(time.process_time() - started)
        profiler.disable()
        wall = time.perf_counter() - wall
        n = len(buyers)
        print(f"{n} orders: CPU per order median {percentile(cpu_each, 50) * 1000:.1f} ms, "
              f"p95 {percentile(cpu_each, 95) * 1000:.1f} ms (mean {sum(cpu_each) / n * 1000:.1f}); "
              f"wall {wall / n * 1000:.1f} ms per order; {statements[0] / n:.1f} SQL statements per order")
        if args.profile:
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(40)
            print(out.getvalue())


if __name__ == "__main__":
    main()
