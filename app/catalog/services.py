"""Product writes. Each one appends a ProductChange in the same transaction as the change itself (so the
change log can never disagree with the products table), commits, and then brings the local search index
up to date. Other servers' indexes catch up from the change log on their own.

Call these from views, the admin and the CLI; never write Product rows directly if search should see it.
"""
from sqlalchemy import insert, select, update

from app.catalog.models import Category, Product, ProductChange, ProductImage
from app.database import utcnow
from app.extensions import db
from app.search.indexing import sync_after_write

EDITABLE_FIELDS = ("sku", "slug", "name", "brand", "description", "price", "currency", "stock",
                   "is_active", "is_featured", "category_id")


class ProductNotFound(LookupError):
    pass


class InvalidProduct(ValueError):
    pass


def record_product_change(session, product_id, kind="upsert"):
    """Append to the change log inside the caller's transaction. For other domains that change what
    search indexes (e.g. stock after an order): call it before their commit, then update_search_index()."""
    session.add(ProductChange(product_id=product_id, kind=kind))


def update_search_index():
    """After the commit of a product change: bring this server's search index up to date (other servers
    catch up from the change log on their own). Never raises; see app.search.indexing.sync_after_write."""
    sync_after_write()


def _validate(values):
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidProduct(f"unknown product fields: {', '.join(sorted(unknown))}")
    if "price" in values and (not isinstance(values["price"], int) or values["price"] < 0):
        raise InvalidProduct("price must be a whole number of minor units, 0 or more")
    if "stock" in values and (not isinstance(values["stock"], int) or values["stock"] < 0):
        raise InvalidProduct("stock must be a whole number, 0 or more")
    if values.get("category_id") is not None and db.session.get(Category, values["category_id"]) is None:
        raise InvalidProduct("no such category")


def _get(product_id):
    product = db.session.get(Product, product_id)
    if product is None:
        raise ProductNotFound(product_id)
    return product


def create_product(images=(), **values):
    """A new product; `images` are paths under static/, shown in that order."""
    _validate(values)
    for required in ("sku", "slug", "name", "price"):
        if not values.get(required) and values.get(required) != 0:
            raise InvalidProduct(f"{required} is required")
    product = Product(**values)
    product.images = [ProductImage(path=path, alt=product.name, position=n) for n, path in enumerate(images)]
    db.session.add(product)
    db.session.flush()
    record_product_change(db.session, product.id)
    db.session.commit()
    update_search_index()
    return product


def update_product(product_id, **values):
    _validate(values)
    product = _get(product_id)
    for name, value in values.items():
        setattr(product, name, value)
    record_product_change(db.session, product.id)
    db.session.commit()
    update_search_index()
    return product


def deactivate_product(product_id):
    return update_product(product_id, is_active=False)


def delete_product(product_id):
    product = _get(product_id)
    db.session.delete(product)
    record_product_change(db.session, product_id, kind="delete")
    db.session.commit()
    update_search_index()


def write_products_in_bulk(creates, updates):
    """Insert `creates` and apply `updates` ({"id": ..., field: value}) inside the caller's transaction,
    with one change-log row per product; no commit, no per-row ORM objects (a bulk import stays in
    bounded memory). The caller validated the values (app/catalog/csv_import.py), commits once, and
    then calls update_search_index()."""
    now = utcnow()
    if creates:
        db.session.execute(insert(Product), [{**values, "created_at": now, "updated_at": now} for values in creates])
        new_ids = db.session.execute(
            select(Product.id).where(Product.sku.in_([values["sku"] for values in creates]))).scalars().all()
        db.session.execute(insert(ProductChange), [{"product_id": i, "kind": "upsert"} for i in new_ids])
    if updates:
        db.session.execute(update(Product), [{**values, "updated_at": now} for values in updates])
        db.session.execute(insert(ProductChange), [{"product_id": values["id"], "kind": "upsert"} for values in updates])


def create_category(slug, name, description="", position=0):
    """A new category. It is logged as a catalog change (kind "category"), like product writes, so
    every page that lists categories is re-rendered."""
    category = Category(slug=slug, name=name, description=description, position=position)
    db.session.add(category)
    db.session.flush()
    db.session.add(ProductChange(product_id=category.id, kind="category"))
    db.session.commit()
    return category
