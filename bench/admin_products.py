"""`python -m bench.admin_products [--size 100000] [--database-url URL] [--repeats 30]`

The admin's product list on a big shop: every filter and a deep page, each requested `--repeats` times by
a logged-in admin through the Flask test client (one process, no network: what is measured is the view,
its queries and the template), median and p95 in milliseconds. The reference in the same run is the
admin's front page (/admin/, the latest actions: a small fixed query), so the ratio holds on a noisy
machine. The shop is seeded with the demo generator (only what is missing) in bench/out/admin/ for
SQLite, or in the database named by --database-url (PostgreSQL).
"""
import argparse
import os
import statistics
import time
from pathlib import Path

from bench.stats import percentile

ROOT = Path(__file__).resolve().parent.parent


def urls(category_id, sku):
    return {
        "admin home (reference)": "/admin/",
        "list, newest first": "/admin/products",
        "list, page 200": "/admin/products?page=200",
        "category": f"/admin/products?category={category_id}",
        "category, page 100": f"/admin/products?category={category_id}&page=100",
        "archived": "/admin/products?active=0",
        "on sale, page 50": "/admin/products?active=1&page=50",
        "low stock": "/admin/products?low=1",
        "search by SKU": f"/admin/products?q={sku}",
        "search by name (common)": "/admin/products?q=lamp",
        "search by name (no match)": "/admin/products?q=zzzz",
    }


def main():
    parser = argparse.ArgumentParser(prog="python -m bench.admin_products", description=__doc__.split("\n")[2])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()
    os.environ.setdefault("SECRET_KEY", "bench-only-secret")
    data = ROOT / "bench" / "out" / "admin"
    data.mkdir(parents=True, exist_ok=True)
    url = args.database_url or f"sqlite:///{data / f'shop-{args.size}.db'}"

    from flask_migrate import upgrade
    from sqlalchemy import select, text

    from app import create_app
    from app.auth.models import User
    from app.auth.passwords import hash_password
    from app.catalog.models import Category, Product
    from app.catalog.seed import product_count, seed_demo_catalog
    from app.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SEARCH_INDEX_DIR": str(data / f"index-{url.split(':')[0]}"),
                      "RATELIMIT_ENABLED": False, "LOG_LEVEL": "WARNING", "WTF_CSRF_ENABLED": False})
    with app.app_context():
        upgrade()
        if product_count() < args.size:
            started = time.perf_counter()
            seed_demo_catalog(args.size, seed=1)
            print(f"seeded {args.size:,} products in {time.perf_counter() - started:.0f} s", flush=True)
        if db.session.execute(select(User).where(User.email == "bench-admin@example.com")).scalar() is None:
            db.session.add(User(email="bench-admin@example.com", name="Bench", is_admin=True,
                                password_hash=hash_password("bench admin password")))
            db.session.commit()
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        category_id = db.session.execute(select(Category.id).order_by(Category.id)).scalars().first()
        sku = db.session.execute(select(Product.sku).order_by(Product.id).limit(1)).scalar()
        size = db.session.execute(select(db.func.count()).select_from(Product)).scalar()
        dialect = db.engine.dialect.name

    client = app.test_client()
    client.post("/login", data={"email": "bench-admin@example.com", "password": "bench admin password"})
    print(f"{dialect}, {size:,} products, {args.repeats} requests each (after one warm-up)")
    reference = None
    for label, path in urls(category_id, sku).items():
        assert client.get(path).status_code == 200, path  # warm-up, and the admin is really logged in
        times = []
        for _ in range(args.repeats):
            started = time.perf_counter()
            response = client.get(path)
            response.get_data()
            times.append(time.perf_counter() - started)
        median = statistics.median(times)
        reference = reference or median
        print(f"  {label:28} median {median * 1000:7.1f} ms   p95 {percentile(times, 95) * 1000:7.1f} ms"
              f"   {median / reference:5.1f}x the reference")


if __name__ == "__main__":
    main()
