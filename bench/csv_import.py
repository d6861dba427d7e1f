"""`python -m bench.csv_import [--sizes 10000 100000] [--runs 3] [--database sqlite|postgresql]`:
peak memory (RSS) and wall time of `flask products import` on generated CSV files, each command run
under /usr/bin/time -v in its own process, printed as the median (and the largest) over the runs.

Per size and run, on a freshly migrated database with the demo categories:
- reference: importing a file with only the header (the app's own footprint, measured in the same run);
- dry run of the N-row file (the check pass only);
- import into an empty catalog (N creates), then the same file again (N unchanged), then a file with
  every price changed (N updates).
Bounded memory shows as a peak that barely grows from 10,000 to 100,000 rows (what does grow: the
SKUs and slugs seen so far, kept to find repeated ones).
"""
import argparse
import os
import random
import re
import statistics
import subprocess
import sys
from pathlib import Path

from bench.load import ROOT

OUT = Path(__file__).resolve().parent / "out"
CATEGORIES = ("audio", "kitchen", "outdoor", "office", "home")
STEPS = ("reference (header only)", "dry run", "import: all new", "import: all unchanged", "import: all prices changed")


def write_csv(path, rows, price_shift=0):
    rng = random.Random(7)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        handle.write("sku,name,slug,brand,category,description,price,stock,active,featured\n")
        for i in range(rows):
            price = rng.randrange(100, 100_000) + price_shift
            handle.write(f"BENCH-{i:07d},Bench product {i},,Brand {i % 50},{CATEGORIES[i % 5]},"
                         f"\"A generated product, number {i}, for the import benchmark.\","
                         f"{price // 100}.{price % 100:02d},{rng.randrange(0, 500)},yes,{'yes' if i % 20 == 0 else 'no'}\n")


def flask_env(url, data):
    return {**os.environ, "FLASK_APP": "wsgi", "DATABASE_URL": url, "SECRET_KEY": "bench-only-secret",
            "SEARCH_INDEX_DIR": str(data / "no-index"), "LOG_LEVEL": "WARNING"}


def run_flask(env, *args):
    flask = str(Path(sys.executable).parent / "flask")
    subprocess.run([flask, *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def timed_import(env, path, *options):
    """(peak RSS in MB, wall seconds) of one `flask products import` process."""
    flask = str(Path(sys.executable).parent / "flask")
    result = subprocess.run(["/usr/bin/time", "-v", flask, "products", "import", str(path), *options], cwd=ROOT,
                            env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(result.stderr[-2000:])
    rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr).group(1))
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)", result.stderr)
    seconds = int(wall.group(1) or 0) * 3600 + int(wall.group(2)) * 60 + float(wall.group(3))
    return rss_kb / 1024, seconds


def fresh_database(kind, pg_url, data):
    if kind == "sqlite":
        database = data / "csv-import.db"
        database.unlink(missing_ok=True)
        return f"sqlite:///{database}"
    import psycopg

    name = "shop_bench_csv_import"
    with psycopg.connect(f"{pg_url}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    return f"{pg_url}/{name}"


def measure(kind, size, runs, pg_url):
    data = OUT
    data.mkdir(exist_ok=True)
    header_only, rows, repriced = data / "csv-header.csv", data / f"csv-{size}.csv", data / f"csv-{size}-repriced.csv"
    write_csv(header_only, 0)
    write_csv(rows, size)
    write_csv(repriced, size, price_shift=1)
    results = {step: [] for step in STEPS}
    for _ in range(runs):
        env = flask_env(fresh_database(kind, pg_url, data), data)
        run_flask(env, "db", "upgrade")
        run_flask(env, "seed", "demo", "--products", "1")  # the demo categories (and one product)
        results[STEPS[0]].append(timed_import(env, header_only))
        results[STEPS[1]].append(timed_import(env, rows, "--dry-run"))
        results[STEPS[2]].append(timed_import(env, rows))
        results[STEPS[3]].append(timed_import(env, rows))
        results[STEPS[4]].append(timed_import(env, repriced))
    print(f"{kind}, {size:,} rows ({rows.stat().st_size / 1e6:.1f} MB file), {runs} runs: median (max)")
    for step, values in results.items():
        rss = [v[0] for v in values]
        wall = [v[1] for v in values]
        print(f"  {step:28s} peak RSS {statistics.median(rss):6.1f} MB ({max(rss):6.1f})   "
              f"wall {statistics.median(wall):6.1f} s ({max(wall):6.1f})", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432")
    args = parser.parse_args()
    for size in args.sizes:
        measure(args.database, size, args.runs, args.pg_url)


if __name__ == "__main__":
    main()
