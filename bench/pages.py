"""`python -m bench.pages [--sizes 1000 100000] [--databases sqlite postgresql] [--runs 2] [--seconds 10]`

Catalog pages under gunicorn (2 sync workers) with 16 concurrent clients (wrk, one Lua script per page
that cycles through its URLs), each page's throughput divided by that of a bare Flask route returning a
constant 43 KB page from the same app in the same run (so the ratio holds on a noisy machine), then the
single-request time (one client, sequential requests, median and p95), the workers' memory after
the mix, and the first request after a product edit (the page cache misses: a new catalog version).
Shops are seeded with the demo generator and indexed through the `flask` CLI. Data lives in
bench/out/pages/ (SQLite) and in PostgreSQL databases named <prefix>_<size>.
"""
import argparse
import http.client
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

from bench.load import ROOT, free_port, result_queries, stop_gunicorn
from bench.stats import percentile

PAGES = ("bare route", "home", "listing", "category+price+stock", "listing page 200", "product page", "search results")
FILTERED = "/products?category=kitchen&min_price=25&max_price=100&in_stock=1"
BROWSER_ENCODINGS = "gzip, deflate, br, zstd"


def run_flask(env, *args):
    flask = str(Path(sys.executable).parent / "flask")
    subprocess.run([flask, *args], cwd=ROOT, env={**os.environ, "FLASK_APP": "wsgi", **env}, check=True,
                   stdout=subprocess.DEVNULL)


def database_url(kind, size, args):
    if kind == "sqlite":
        return f"sqlite:///{args.data / f'shop-{size}.db'}"
    name = f"{args.pg_prefix}_{size}"
    import psycopg

    with psycopg.connect(f"{args.pg_url}/postgres", autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')
    return f"{args.pg_url}/{name}"


def sql(url, statement, autocommit=False):
    """Run one statement outside the app (psycopg or sqlite3) and return its rows."""
    if url.startswith("sqlite"):
        import sqlite3

        connection = sqlite3.connect(url.split("///", 1)[1], isolation_level=None if autocommit else "")
        try:
            return connection.execute(statement).fetchall()
        finally:
            connection.close()
    import psycopg

    with psycopg.connect(url, autocommit=autocommit) as connection:
        cursor = connection.execute(statement)
        return cursor.fetchall() if cursor.description else []


def prepare_shop(kind, size, args):
    """Migrate, seed (only what is missing), index once, refresh the planner's statistics."""
    url = database_url(kind, size, args)
    env = {"DATABASE_URL": url, "SEARCH_INDEX_DIR": str(args.data / f"index-{kind}-{size}"),
           "SECRET_KEY": "bench-only-secret", "LOG_LEVEL": "WARNING"}
    run_flask(env, "db", "upgrade")
    if sql(url, "SELECT count(*) FROM products")[0][0] < size:
        started = time.perf_counter()
        run_flask(env, "seed", "demo", "--products", str(size), "--seed", str(args.seed))
        print(f"  seeded {size:,} products in {time.perf_counter() - started:.0f} s", flush=True)
    run_flask(env, "search", "reindex", "--if-missing", "--procs", "2")
    sql(url, "ANALYZE" if kind == "sqlite" else "VACUUM ANALYZE", autocommit=True)
    slugs = [row[0] for row in sql(url, "SELECT slug FROM products WHERE is_active = true ORDER BY id LIMIT 50")]
    return env, slugs


def page_urls(slugs, seed):
    return {
        "bare route": ["/bench/page"],
        "home": ["/"],
        "listing": ["/products"],
        "category+price+stock": [FILTERED],
        "listing page 200": ["/products?page=200"],
        "product page": [f"/products/{slug}" for slug in slugs],
        "search results": [f"/search?q={urllib.parse.quote(q)}" for q in result_queries(50, seed)],
    }


def start_server(env, workers):
    port = free_port()
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    process = subprocess.Popen([gunicorn, "-w", str(workers), "-b", f"127.0.0.1:{port}", "--log-level", "warning",
                                "bench.pages_wsgi:app"], cwd=ROOT, env={**os.environ, **env})
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            fetch(port, "/bench/page")
            return process, port
        except OSError:
            time.sleep(0.2)
    stop_gunicorn(process)
    raise RuntimeError("gunicorn did not start")


def fetch(port, path, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    if response.status != 200:
        raise RuntimeError(f"GET {path}: HTTP {response.status}")
    return body


def wrk_script(paths, headers, directory):
    script = Path(directory) / f"paths-{abs(hash(tuple(paths)))}.lua"
    quoted = ", ".join('"' + p.replace("\\", "\\\\").replace('"', '\\"') + '"' for p in paths)
    header_lines = "".join(f'wrk.headers["{name}"] = "{value}"\n' for name, value in headers.items())
    script.write_text(f"local paths = {{{quoted}}}\nlocal n = 0\n{header_lines}"
                      "request = function()\n  n = n + 1\n  return wrk.format(\"GET\", paths[(n % #paths) + 1])\nend\n")
    return script


def throughput(port, paths, seconds, clients, headers, directory):
    """Requests per second with `clients` concurrent connections for `seconds` (wrk)."""
    script = wrk_script(paths, headers, directory)
    for attempt in (1, 2):  # on a loaded machine wrk once in a while fails to connect at start
        done = subprocess.run(["wrk", "-t2", f"-c{clients}", f"-d{seconds}s", "-s", str(script),
                               f"http://127.0.0.1:{port}"], capture_output=True, text=True)
        if done.returncode == 0:
            break
        print(f"  wrk failed (attempt {attempt}): {done.stderr.strip() or done.stdout.strip()}", flush=True)
    else:
        raise RuntimeError(f"wrk failed on {paths[0]}")
    output = done.stdout
    if "Non-2xx or 3xx responses" in output:
        raise RuntimeError(f"wrk saw error responses on {paths[0]}:\n{output}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def single_requests(port, paths, count, headers):
    """Seconds per request, one client, sequential (a new connection each: gunicorn's sync workers close it)."""
    times = []
    for n in range(count):
        started = time.perf_counter()
        fetch(port, paths[n % len(paths)], headers)
        times.append(time.perf_counter() - started)
    return times


def edit_then_fetch(port, paths, env, tries, headers):
    """Seconds for the first request after a product edit (the page cache misses: the catalog's
    version changed), `tries` times per page, each after its own edit."""
    os.environ.update(env)
    from app import create_app
    from app.catalog.models import Product
    from app.catalog.services import update_product
    from app.extensions import db

    app = create_app({"LOG_LEVEL": "WARNING"})
    times = []
    with app.app_context():
        product = db.session.execute(db.select(Product).where(Product.is_active == True).order_by(Product.id.desc()).limit(1)).scalar_one()  # noqa: E712
        for n in range(tries):
            update_product(product.id, stock=product.stock + n % 2)  # a real change, logged: a new version
            started = time.perf_counter()
            fetch(port, paths[n % len(paths)], headers)
            times.append(time.perf_counter() - started)
        db.session.remove()
    return times


def worker_rss_mb(master_pid):
    """Resident memory of each gunicorn worker (the master's children), in MB."""
    sizes = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        if re.search(rf"^PPid:\s+{master_pid}$", text, re.M):
            sizes.append(int(re.search(r"^VmRSS:\s+(\d+)", text, re.M).group(1)) / 1024)
    return sizes


def measure(kind, size, args):
    print(f"\n## {kind}, {size:,} products (load {os.getloadavg()[0]:.2f})", flush=True)
    env, slugs = prepare_shop(kind, size, args)
    if args.query_plans:
        check = subprocess.run([sys.executable, "-m", "bench.query_plans", "--database-url", env["DATABASE_URL"],
                                "--index-dir", env["SEARCH_INDEX_DIR"]], cwd=ROOT, env={**os.environ, **env},
                               capture_output=True, text=True)
        print(check.stdout.rstrip() or check.stderr.rstrip()[-2000:], flush=True)
    urls = page_urls(slugs, args.seed)
    headers = {"Accept-Encoding": args.accept_encoding} if args.accept_encoding else {}
    process, port = start_server(env, args.workers)
    rates = {page: [] for page in PAGES}
    try:
        for _ in range(2 * args.workers):  # every worker renders every URL once before measuring
            for paths in urls.values():
                for path in paths:
                    fetch(port, path, headers)
        with tempfile.TemporaryDirectory() as directory:
            for page in PAGES:  # a short warm-up of the load itself
                throughput(port, urls[page], 1, args.clients, headers, directory)
            for _ in range(args.runs):
                for page in PAGES:  # interleaved: each run has its own bare-route figure
                    rates[page].append(throughput(port, urls[page], args.seconds, args.clients, headers, directory))
        singles = {page: single_requests(port, urls[page], args.singles, headers) for page in PAGES}
        rss = worker_rss_mb(process.pid)
        misses = {page: edit_then_fetch(port, urls[page], env, args.edits, headers) for page in PAGES[1:]}
    finally:
        stop_gunicorn(process)
    rows = []
    for page in PAGES:
        ratios = [rate / bare for rate, bare in zip(rates[page], rates["bare route"])]
        miss = statistics.median(misses[page]) * 1000 if page in misses else 0.0
        rows.append((page, statistics.median(rates[page]), statistics.median(ratios),
                     statistics.median(singles[page]) * 1000, percentile(singles[page], 95) * 1000, miss))
        print(f"  {page:<22} {rows[-1][1]:8.1f} req/s  ratio {rows[-1][2]:5.3f}   single: median "
              f"{rows[-1][3]:6.2f} ms  p95 {rows[-1][4]:6.2f} ms   first after an edit: {miss:6.1f} ms", flush=True)
    print(f"  worker RSS after the mix: {', '.join(f'{mb:.0f} MB' for mb in rss)}", flush=True)
    return rows, rss


def main():
    parser = argparse.ArgumentParser(prog="python -m bench.pages", description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 100_000])
    parser.add_argument("--databases", nargs="+", choices=["sqlite", "postgresql"], default=["sqlite", "postgresql"])
    parser.add_argument("--runs", type=int, default=2, help="measured runs of each page (after a warm-up)")
    parser.add_argument("--seconds", type=int, default=10, help="length of each throughput run")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--singles", type=int, default=200, help="sequential requests per page for the single-request time")
    parser.add_argument("--edits", type=int, default=5, help="edits per page for the time of the first request after one")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data", type=Path, default=ROOT / "bench" / "out" / "pages")
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432"))
    parser.add_argument("--pg-prefix", default="shop_bench", help="PostgreSQL databases are <prefix>_<size>")
    parser.add_argument("--no-query-plans", dest="query_plans", action="store_false",
                        help="skip the EXPLAIN check of every catalog query (bench/query_plans.py)")
    parser.add_argument("--accept-encoding", default="",
                        help=f'send this Accept-Encoding (a browser sends "{BROWSER_ENCODINGS}"); default none')
    args = parser.parse_args()
    args.data.mkdir(parents=True, exist_ok=True)
    print(f"# catalog page benchmarks, {time.strftime('%Y-%m-%d %H:%M')}, {platform.node()}, {os.cpu_count()} CPUs, "
          f"load {' / '.join(f'{n:.2f}' for n in os.getloadavg())}, Python {platform.python_version()}, "
          f"{args.workers} gunicorn workers, {args.clients} clients, {args.runs} × {args.seconds} s, "
          f"Accept-Encoding: {args.accept_encoding or 'none'}")
    results = {}
    for kind in args.databases:
        for size in args.sizes:
            results[kind, size] = measure(kind, size, args)
    print("\n| page | " + " | ".join(f"{kind} {size:,}: req/s (ratio), single ms, after an edit ms"
                                    for kind, size in results) + " |")
    print("|---|" + "---|" * len(results))
    for index, page in enumerate(PAGES):
        cells = [f"{rows[index][1]:,.0f} ({rows[index][2]:.3f}), {rows[index][3]:.1f}"
                 + (f", {rows[index][5]:.0f}" if rows[index][5] else "") for rows, _rss in results.values()]
        print(f"| {page} | " + " | ".join(cells) + " |")
    print("| worker RSS, MB | " + " | ".join(", ".join(f"{mb:.0f}" for mb in rss) for _rows, rss in results.values()) + " |")


if __name__ == "__main__":
    main()
