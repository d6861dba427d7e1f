"""Does any catalog page read the whole products table? Every SQL statement that touches `products`
while the catalog pages are served is captured and EXPLAINed on the same database with the same
parameters; a full scan fails the check.

- SQLite: any `SCAN products` line of EXPLAIN QUERY PLAN (a table scan, or a walk of a whole index
  without a usable constraint); `SEARCH products USING ...` is fine.
- PostgreSQL: any `Seq Scan on products` with sequential scans disabled for the EXPLAIN, so a seq scan
  only shows up where no index can serve the query at all (tiny test tables would otherwise be read
  sequentially because that is cheaper, which says nothing about 100,000 products).

Used by tests/catalog/test_query_plans.py on both databases and by `python -m bench.query_plans` on the
benchmark shops. Text searches answered by the database (LIKE '%word%', the fallback when the search
index cannot answer) scan by nature and are not among these pages: the index answers them.
"""
import argparse
import re

from sqlalchemy import event, text

CATALOG_PAGES = [
    "/",
    "/products",
    "/products?sort=price_asc",
    "/products?sort=price_desc",
    "/products?sort=name",
    "/products?page=2",
    "/products?in_stock=1&min_price=10&max_price=200",
    "/products?category=kitchen",
    "/products?category=kitchen&min_price=25&max_price=100&in_stock=1",
    "/products?category=kitchen&sort=price_asc&page=2",
    "/products?category=kitchen&sort=price_desc",
    "/products?category=kitchen&sort=name&in_stock=1",
    "/products?category=kitchen&page=200",
    "/products?page=200",
    "/categories/kitchen",
    "/search?q=lamp",
    "/search?q=lamp&category=home&sort=price_asc",
    "/search?q=the&page=2",
    "/sitemap.xml",
    "/sitemaps/pages.xml",
    "/sitemaps/products-1.xml",
    "/robots.txt",
]
FRAGMENTS = ["/products?category=kitchen&in_stock=1", "/search/suggest?q=wire", "/search/suggest?q=walnut lam"]
TOUCHES_PRODUCTS = re.compile(r"\b(FROM|JOIN)\s+products\b", re.IGNORECASE)
FULL_SCAN = {"sqlite": re.compile(r"^SCAN products\b"), "postgresql": re.compile(r"Seq Scan on products\b")}


def product_pages(app):
    """The catalog pages, plus a few product pages of this shop."""
    from sqlalchemy import select

    from app.catalog.models import Product
    from app.extensions import db

    with app.app_context():
        slugs = db.session.execute(select(Product.slug).where(Product.is_active == True).limit(3)).scalars().all()  # noqa: E712
    return CATALOG_PAGES + [f"/products/{slug}" for slug in slugs]


def captured_statements(app, paths, fragments=FRAGMENTS):
    """(statement, parameters) of every distinct query on products while serving `paths` (and the htmx
    `fragments`) with a fresh page cache."""
    from app.extensions import db

    seen, statements = set(), []

    def remember(_conn, _cursor, statement, parameters, _context, _executemany):
        if TOUCHES_PRODUCTS.search(statement) and statement not in seen:
            seen.add(statement)
            statements.append((statement, parameters))

    client = app.test_client()
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", remember)
    try:
        for path, headers in [(p, {}) for p in paths] + [(f, {"HX-Request": "true"}) for f in fragments]:
            response = client.get(path, headers=headers)
            response.get_data()  # streamed responses run their queries now
            if response.status_code >= 400:
                raise AssertionError(f"GET {path}: HTTP {response.status_code}")
    finally:
        event.remove(engine, "before_cursor_execute", remember)
    return statements


def query_plan(app, statement, parameters):
    from app.extensions import db

    with app.app_context(), db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SET enable_seqscan = off"))
            rows = connection.exec_driver_sql("EXPLAIN " + statement, parameters).all()
            connection.execute(text("RESET enable_seqscan"))
            return [row[0] for row in rows]
        return [row[-1] for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()]


def full_scans(app, statements):
    """[(statement, plan lines)] for every captured query whose plan reads all of products."""
    from app.extensions import db

    with app.app_context():
        pattern = FULL_SCAN[db.engine.dialect.name]
    found = []
    for statement, parameters in statements:
        plan = query_plan(app, statement, parameters)
        if any(pattern.search(line.strip()) for line in plan):
            found.append((statement, plan))
    return found


def main():
    """`python -m bench.query_plans --database-url URL --index-dir DIR`: the check on a benchmark shop."""
    import os

    parser = argparse.ArgumentParser(prog="python -m bench.query_plans", description=main.__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--index-dir", required=True)
    args = parser.parse_args()
    os.environ.setdefault("SECRET_KEY", "bench-only-secret")
    from app import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": args.database_url, "SEARCH_INDEX_DIR": args.index_dir,
                      "RATELIMIT_ENABLED": False, "LOG_LEVEL": "WARNING"})
    paths = product_pages(app)
    statements = captured_statements(app, paths)
    scans = full_scans(app, statements)
    print(f"  query plans: {len(statements)} distinct queries on products, {len(scans)} full scans")
    for statement, plan in scans:
        print("  FULL SCAN:", " ".join(statement.split())[:200], "\n    " + "\n    ".join(plan))
    raise SystemExit(1 if scans else 0)


if __name__ == "__main__":
    main()
