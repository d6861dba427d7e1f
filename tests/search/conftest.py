"""Search fixtures: `search(text, **filters)` runs the real back end (products come from make_product,
which writes through the catalog services, so the change log and the index follow)."""
import pytest
from sqlalchemy import select

from app.catalog.models import Product
from app.search.backend import find_products
from app.search.results import SearchQuery


@pytest.fixture
def search(app, db):
    def run(text, **fields):
        return find_products(SearchQuery(text=text, **fields))

    return run


def names(db, ids):
    rows = dict(db.session.execute(select(Product.id, Product.name).where(Product.id.in_(ids))).all())
    return [rows[i] for i in ids]
