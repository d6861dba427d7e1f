"""Search test helpers (the `search` fixture is in tests/conftest.py)."""
from sqlalchemy import select

from app.catalog.models import Product


def names(db, ids):
    rows = dict(db.session.execute(select(Product.id, Product.name).where(Product.id.in_(ids))).all())
    return [rows[i] for i in ids]
