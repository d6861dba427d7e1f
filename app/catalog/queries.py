"""Read-side catalog queries used by the pages."""
from sqlalchemy import select
from sqlalchemy.orm import selectinload

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


def list_products(category_slug=None, page=1, per_page=24):
    from sqlalchemy import func

    query = select(Product).where(Product.is_active.is_(True))
    if category_slug:
        query = query.join(Category).where(Category.slug == category_slug)
    total = db.session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    products = db.session.execute(
        query.order_by(Product.created_at.desc(), Product.id.desc())
        .limit(per_page).offset((page - 1) * per_page)
        .options(selectinload(Product.images))
    ).scalars().all()
    return products, total
