"""Catalog fixtures: a small factory for products whose every field a test controls."""
import itertools
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from app.catalog.models import Category, Product, ProductImage
from app.catalog.seed import slugify

EPOCH = datetime(2026, 1, 1, tzinfo=timezone.utc)


@pytest.fixture
def make_product(db):
    """make_product(name, category="audio", price=1000, stock=10, ...) -> Product, committed.
    Each product is one minute newer than the one made before it."""
    counter = itertools.count(1)

    def category_for(slug):
        category = db.session.execute(select(Category).where(Category.slug == slug)).scalar_one_or_none()
        if category is None:
            category = Category(slug=slug, name=slug.replace("-", " ").title(), description=f"All things {slug}.")
            db.session.add(category)
            db.session.flush()
        return category

    def make(name, category="audio", price=1000, stock=10, brand="Acme", description="", is_active=True,
             is_featured=False, image=True):
        n = next(counter)
        product = Product(
            sku=f"T-{n:05d}", slug=f"{slugify(name)}-{n}", name=name, brand=brand, description=description,
            price=price, stock=stock, is_active=is_active, is_featured=is_featured,
            category=category_for(category) if category else None,
            created_at=EPOCH + timedelta(minutes=n), updated_at=EPOCH + timedelta(minutes=n),
        )
        if image:
            product.images.append(ProductImage(path="img/no-image.svg", alt=name, position=0))
        db.session.add(product)
        db.session.commit()
        return product

    return make
