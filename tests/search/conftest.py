"""Search fixtures: products made through the catalog services (so the change log and the index follow)."""
import pytest
from sqlalchemy import select

from app.catalog.models import Category, Product
from app.catalog.services import create_product
from app.search.backend import find_products
from app.search.results import SearchQuery


@pytest.fixture
def make_product(db):
    """create_product with sensible defaults; returns the product id."""
    counter = {"n": 0}

    def make(name, description="", price=1000, stock=5, category="audio", brand="Testbrand", **extra):
        counter["n"] += 1
        category_row = db.session.execute(select(Category).where(Category.slug == category)).scalar_one_or_none()
        if category_row is None:
            category_row = Category(slug=category, name=category.title())
            db.session.add(category_row)
            db.session.commit()
        product = create_product(sku=f"TST-{counter['n']:06d}", slug=f"test-{counter['n']}", name=name, brand=brand,
                                 description=description, price=price, stock=stock, category_id=category_row.id,
                                 **extra)
        return product.id

    return make


@pytest.fixture
def search(app, db):
    def run(text, **fields):
        return find_products(SearchQuery(text=text, **fields))

    return run


def names(db, ids):
    rows = dict(db.session.execute(select(Product.id, Product.name).where(Product.id.in_(ids))).all())
    return [rows[i] for i in ids]
