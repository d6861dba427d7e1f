"""Read-side catalog queries used by the pages."""
from sqlalchemy import case, select
from sqlalchemy.orm import joinedload, selectinload

from app.catalog.models import Category, Product
from app.extensions import db


def list_categories():
    return db.session.execute(select(Category).order_by(Category.position, Category.name)).scalars().all()


def active_product_by_slug(slug):
    return db.session.execute(
        select(Product)
        .where(Product.slug == slug, Product.is_active.is_(True))
        .options(selectinload(Product.images), selectinload(Product.category))
    ).scalar_one_or_none()


def products_in_order(ids):
    """The active products with these ids, in the order given (a search back end's ranking). Ids the
    index still lists but that are gone or inactive in the database are skipped."""
    if not ids:
        return []
    # By primary key only, is_active checked here: with "AND is_active" in the SQL, SQLite picks the
    # (is_active, ...) listing index and scans every active product (≈25 ms at 100,000 products).
    products = db.session.execute(
        select(Product)
        .where(Product.id.in_(ids))
        .options(joinedload(Product.images))  # one query for the page: products and their images
    ).unique().scalars().all()
    by_id = {product.id: product for product in products if product.is_active}
    return [by_id[i] for i in ids if i in by_id]


def related_products(product, limit=4):
    """Other active products of the same category, in-stock ones first, then the newest."""
    if product.category_id is None:
        return []
    return db.session.execute(
        select(Product)
        .where(Product.is_active.is_(True), Product.category_id == product.category_id, Product.id != product.id)
        .order_by(case((Product.stock > 0, 0), else_=1), Product.created_at.desc(), Product.id.desc())
        .limit(limit)
        .options(selectinload(Product.images))
    ).scalars().all()


def newest_products(limit=8):
    return db.session.execute(
        select(Product)
        .where(Product.is_active.is_(True))
        .order_by(Product.created_at.desc(), Product.id.desc())
        .limit(limit)
        .options(selectinload(Product.images))
    ).scalars().all()


def featured_products(limit=8):
    return db.session.execute(
        select(Product)
        .where(Product.is_active.is_(True), Product.is_featured.is_(True), Product.stock > 0)
        .order_by(Product.id)
        .limit(limit)
        .options(selectinload(Product.images))
    ).scalars().all()
