"""`python -m bench [--sizes 10000 100000] [--runs 3] [--clients 16]`: search benchmarks, printed.

For each catalog size: seed (the demo generator), full reindex time, as-you-type and results-page
latency over HTTP against gunicorn with concurrent clients (the results page also with one client per
worker), one edit -> visible, and the same queries on
SQLite FTS5 plus a bare Flask route as references measured in the same run. Data lives in bench/out/.
"""
import argparse
import os
import platform
import sqlite3
import statistics
import time
from pathlib import Path

from bench.load import http_latencies, start_gunicorn, stop_gunicorn, typing_queries, result_queries
from bench.stats import percentile, summary

OUT = Path(__file__).resolve().parent / "out"


def prepare_database(size, seed):
    """A migrated SQLite shop with `size` demo products (kept between runs)."""
    from flask_migrate import upgrade

    from app import create_app
    from app.catalog.seed import product_count, seed_demo_catalog

    database = OUT / f"shop-{size}.db"
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "SEARCH_INDEX_DIR": str(OUT / f"index-{size}"),
                      "TESTING": True, "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade()
        if product_count() < size:
            started = time.perf_counter()
            seed_demo_catalog(size, seed=seed)
            print(f"  seeded {size} products in {time.perf_counter() - started:.1f} s")
    return app, database


def bench_reindex(app, runs, procs):
    from app.search.feed import product_feed
    from app.search.indexing import rebuild_index

    times = []
    with app.app_context():
        for _ in range(runs):
            started = time.perf_counter()
            count, _live = rebuild_index(app.config["SEARCH_INDEX_DIR"], product_feed(), procs=procs)
            times.append(time.perf_counter() - started)
    print(f"  reindex ({procs} procs)      {summary(times, 's', 1)}   {count / statistics.median(times):,.0f} docs/s")
    return count


def build_fts(database, size):
    fts_path = OUT / f"fts-{size}.db"
    fts_path.unlink(missing_ok=True)
    started = time.perf_counter()
    connection = sqlite3.connect(fts_path)
    connection.execute(f"ATTACH DATABASE '{database}' AS shop")
    connection.execute("CREATE VIRTUAL TABLE products_fts USING fts5(name, brand, category, description, "
                       "tokenize='porter unicode61')")
    connection.execute("INSERT INTO products_fts(rowid, name, brand, category, description) "
                       "SELECT p.id, p.name, p.brand, coalesce(c.name, ''), p.description FROM shop.products p "
                       "LEFT JOIN shop.categories c ON c.id = p.category_id WHERE p.is_active")
    connection.commit()
    connection.close()
    print(f"  FTS5 build (reference)   {time.perf_counter() - started:8.1f} s")
    return fts_path


def bench_http(base, label, path, queries, clients, runs, headers=None):
    latencies = []
    for _ in range(runs):
        latencies += http_latencies(base, path, queries, clients, headers)
    print(f"  {label:<26} {summary(latencies)}   ({len(latencies)} requests, {clients} clients)")
    return percentile(latencies, 95)


def bench_edit_visible(app, base, runs):
    """Rename a product through the services, then poll the suggestions endpoint until it shows."""
    import http.client

    from app.catalog.models import Product
    from app.catalog.services import update_product
    from app.extensions import db

    times = []
    host, port = base.split("//")[1].split(":")
    with app.app_context():
        pid = db.session.execute(db.select(Product.id).where(Product.is_active.is_(True))).scalars().first()
        for run in range(runs):
            token = f"zqbench{int(time.time() * 1000) % 10**9}x{run}"
            started = time.perf_counter()
            update_product(pid, name=f"Benchmark {token}")
            connection = http.client.HTTPConnection(host, int(port), timeout=10)
            while time.perf_counter() - started < 10:
                connection.request("GET", f"/search/suggest?q={token}", headers={"HX-Request": "true"})
                if token in connection.getresponse().read().decode():
                    break
                time.sleep(0.01)
            times.append(time.perf_counter() - started)
            connection.close()
    print(f"  edit -> visible          {summary(times)}")


def main():
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--runs", type=int, default=3, help="repeats of each measurement")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--requests", type=int, default=320, help="requests per HTTP run (all clients)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--procs", type=int, default=2, help="reindex processes")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    os.environ.setdefault("SECRET_KEY", "bench-only-secret")
    OUT.mkdir(exist_ok=True)
    print(f"# search benchmarks, {time.strftime('%Y-%m-%d %H:%M')}, {platform.node()}, {os.cpu_count()} CPUs, "
          f"load {os.getloadavg()[0]:.2f}, Python {platform.python_version()}")
    for size in args.sizes:
        print(f"\n## {size:,} products")
        app, database = prepare_database(size, args.seed)
        bench_reindex(app, args.runs, args.procs)
        fts_path = build_fts(database, size)
        typing, results = typing_queries(args.requests, args.seed), result_queries(args.requests, args.seed)
        env = {"DATABASE_URL": f"sqlite:///{database}", "SEARCH_INDEX_DIR": app.config["SEARCH_INDEX_DIR"],
               "BENCH_FTS_DB": str(fts_path), "LOG_LEVEL": "WARNING"}
        hx = {"HX-Request": "true"}
        for cache in ("1", "0"):
            server, base = start_gunicorn({**env, "BENCH_ANSWER_CACHE": cache}, args.workers)
            try:
                label = "answer cache on" if cache == "1" else "answer cache off"
                print(f"  -- gunicorn, {args.workers} workers, {label}")
                bench_http(base, "bare Flask route", "/bench/bare?q=", typing, args.clients, args.runs)
                whoosh = bench_http(base, "suggest: Whoosh", "/search/suggest?q=", typing, args.clients, args.runs, hx)
                fts = bench_http(base, "suggest: FTS5 reference", "/bench/fts/suggest?q=", typing, args.clients, args.runs)
                print(f"  {'suggest ratio Whoosh/FTS5':<26} p95 {whoosh / fts:.2f}")
                whoosh = bench_http(base, "results: /search (Whoosh)", "/search?q=", results, args.clients, args.runs)
                fts = bench_http(base, "results: FTS5 reference", "/bench/fts/results?q=", results, args.clients, args.runs)
                print(f"  {'results ratio Whoosh/FTS5':<26} p95 {whoosh / fts:.2f}")
                # One client per worker: the page's own latency over HTTP, without the queue that 16
                # closed-loop clients build in front of 2 workers (there p95 is ≈ 8-12 × the service time).
                quiet = args.workers
                whoosh = bench_http(base, f"results, {quiet} clients", "/search?q=", results, quiet, args.runs)
                fts = bench_http(base, f"results FTS5, {quiet} clients", "/bench/fts/results?q=", results, quiet,
                                 args.runs)
                print(f"  {'results ratio, no queue':<26} p95 {whoosh / fts:.2f}")
                if cache == "1":
                    bench_edit_visible(app, base, args.runs * 3)
            finally:
                stop_gunicorn(server)


if __name__ == "__main__":
    main()
