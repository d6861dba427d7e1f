"""The admin's filtered product lists are served by an index, not a read of the whole products table:
each query they run is EXPLAINed on the test database (SQLite, or PostgreSQL with TEST_DATABASE_URL) with
bench/query_plans.py's rules. (The unfiltered list walks the primary key newest first and stops at its
LIMIT; a text search reads names until a page is full; neither is in this list, see docs/admin.md.)"""
from sqlalchemy import event

from app.extensions import db
from bench.query_plans import TOUCHES_PRODUCTS, full_scans
from tests.factories import category_for, make_product


def test_filtered_admin_lists_use_an_index(app, admin_client):
    kitchen = category_for(app, "kitchen")
    for n in range(3):
        make_product(app, f"Kettle {n}", category="kitchen", stock=n)
    paths = [f"/admin/products?category={kitchen.id}", f"/admin/products?category={kitchen.id}&page=3",
             "/admin/products?active=0", "/admin/products?active=1&page=2", "/admin/products?low=1",
             f"/admin/products?low=1&category={kitchen.id}"]
    statements, seen = [], set()

    def remember(_conn, _cursor, statement, parameters, _context, _executemany):
        if TOUCHES_PRODUCTS.search(statement) and statement not in seen:
            seen.add(statement)
            statements.append((statement, parameters))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", remember)
    try:
        for path in paths:
            assert admin_client.get(path).status_code == 200, path
    finally:
        event.remove(engine, "before_cursor_execute", remember)
    assert len(statements) >= 5
    scans = full_scans(app, statements)
    assert scans == [], "\n\n".join(f"{' '.join(s.split())}\n  " + "\n  ".join(plan) for s, plan in scans)
