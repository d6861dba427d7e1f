"""No catalog page reads the whole products table: every query on products that the catalog pages run
is EXPLAINed on the test database (SQLite, or PostgreSQL with TEST_DATABASE_URL) and must use an index.
The same check runs on 100,000 products with `python -m bench.query_plans` (bench/pages.py runs it)."""
from bench.query_plans import captured_statements, full_scans, product_pages


def test_no_catalog_query_scans_products(app, seeded, search):
    search("warm up")  # the index is built now: its one full read is not a page's query
    paths = product_pages(app)
    statements = captured_statements(app, paths)
    assert len(statements) >= 10, "the pages should have run their queries"
    scans = full_scans(app, statements)
    assert scans == [], "\n\n".join(f"{' '.join(statement.split())}\n  " + "\n  ".join(plan)
                                    for statement, plan in scans)
