"""The one set of test factories: categories, products, users, logging in, and reading CSRF tokens.

Categories and products are written through `app.catalog.services`, exactly as the app writes them, so
the change log follows every write (the search index and the catalog version that keys the page cache
both depend on it). Each factory opens its own app context and returns plain, detached objects with
their columns loaded, so a test may use them after the context is gone.
"""
import itertools
import re

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.auth.models import User
from app.auth.passwords import hash_password
from app.catalog.models import Category, Product
from app.catalog.seed import slugify
from app.catalog.services import create_category, create_product, delete_product, update_product
from app.database import utcnow
from app.extensions import db

PASSWORD = "correct horse battery"
NO_IMAGE = "img/no-image.svg"
_CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
_numbers = itertools.count(1)


def csrf_token_in(html):
    """The first form CSRF token in a page, or "" when the page has none (CSRF off)."""
    match = _CSRF_FIELD.search(html)
    return match.group(1) if match else ""


def category_for(app, slug, name=None, description=None):
    """The category with this slug, created through the catalog services when missing."""
    with app.app_context():
        category = db.session.execute(select(Category).where(Category.slug == slug)).scalar_one_or_none()
        if category is None:
            category = create_category(slug=slug, name=name or slug.replace("-", " ").title(),
                                       description=f"All things {slug}." if description is None else description)
            db.session.refresh(category)
        db.session.expunge(category)
        return category


def make_product(app, name=None, category="audio", *, price=1000, stock=10, brand="Acme", description="",
                 is_active=True, is_featured=False, image=True, sku=None, slug=None):
    """A committed product (through create_product), returned detached with its images and category
    loaded. Products made one after another are newer one after another."""
    number = next(_numbers)
    name = name or f"Test product {number}"
    category_id = category_for(app, category).id if category else None
    with app.app_context():
        product = create_product(
            sku=sku or f"T-{number:05d}", slug=slug or f"{slugify(name) or 'product'}-{number}", name=name,
            brand=brand, description=description, price=price, stock=stock, is_active=is_active,
            is_featured=is_featured, category_id=category_id, images=[NO_IMAGE] if image else [],
        )
        return _detached_product(product.id)


def change_product(app, product_id, delete=False, **values):
    """Edit or delete a product through the catalog services (the change log follows)."""
    with app.app_context():
        if delete:
            delete_product(product_id)
        else:
            update_product(product_id, **values)


def _detached_product(product_id):
    product = db.session.execute(
        select(Product).where(Product.id == product_id)
        .options(selectinload(Product.images), selectinload(Product.category))
    ).scalar_one()
    db.session.expunge_all()
    return product


def make_user(app, email="shopper@example.com", password=PASSWORD, name="Sam Shopper", verified=True, admin=False):
    """A user straight in the database (registering costs mail and a form; tests about something else
    need only the row). Returns the user id."""
    with app.app_context():
        user = User(email=email, name=name, password_hash=hash_password(password), is_admin=admin,
                    email_verified_at=utcnow() if verified else None)
        db.session.add(user)
        db.session.commit()
        return user.id


def log_in(client, email="shopper@example.com", password=PASSWORD, remember=False, next=None):
    """Post the real login form, with its CSRF token when CSRF is on; returns the response."""
    data = {"email": email, "password": password, "csrf_token": csrf_token_in(client.get("/login").get_data(as_text=True))}
    if remember:
        data["remember"] = "y"
    if next is not None:
        data["next"] = next
    return client.post("/login", data=data)
