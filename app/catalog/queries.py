"""Read-side catalog queries used by the pages. Each one is served by an index (see models.py and
tests/catalog/test_query_plans.py): none reads the whole products table, whatever its size."""
from sqlalchemy import select, true
from sqlalchemy.orm import joinedload, selectinload

from app.catalog.models import Category, Product
from app.extensions import db


def list_categories():
    return db.session.execute(select(Category).order_by(Category.position, Category.name)).scalars().all()


def active_product_by_slug(slug):
    return db.session.execute(
        select(Product)
        .where(Product.slug == slug, Product.is_active == true())
        .options(selectinload(Product.images), selectinload(Product.category))
    ).scalar_one_or_none()


def products_in_order(ids):
    """The active products with these ids, in the order given (a search's ranking). Ids that an index
    still lists but that are gone or inactive in the database are skipped."""
    if not ids:
        return []
    # By primary key only, is_active checked here: with "AND is_active" in the SQL, SQLite picks an
    # (is_active, ...) listing index and walks every active product (≈25 ms at 100,000 products).
    products = db.session.execute(
        select(Product)
        .where(Product.id.in_(ids))
        .options(joinedload(Product.images))  # one query for the page: products and their images
    ).unique().scalars().all()
    by_id = {product.id: product for product in products if product.is_active}
    return [by_id[i] for i in ids if i in by_id]


def related_products(product, limit=4):
    """Other active products of the same category, in-stock ones first, then the newest. Two walks of
    ix_products_category_created, newest first, that stop at `limit`: an ORDER BY on "in stock" would
    sort the whole category."""
    if product.category_id is None:
        return []
    found = []
    for stock_condition in (Product.stock > 0, Product.stock <= 0):
        if len(found) == limit:
            break
        found += db.session.execute(
            select(Product)
            .where(Product.is_active == true(), Product.category_id == product.category_id,
                   Product.id != product.id, stock_condition)
            .order_by(Product.created_at.desc(), Product.id.desc())
            .limit(limit - len(found))
            .options(selectinload(Product.images))
        ).scalars().all()
    return found


def newest_products(limit=8):
    return db.session.execute(
        select(Product)
        .where(Product.is_active == true())
        .order_by(Product.created_at.desc(), Product.id.desc())
        .limit(limit)
        .options(selectinload(Product.images))
    ).scalars().all()


def featured_products(limit=8):
    return db.session.execute(
        select(Product)
        .where(Product.is_featured == true(), Product.is_active == true(), Product.stock > 0)
        .order_by(Product.id)
        .limit(limit)
        .options(selectinload(Product.images))
    ).scalars().all()
