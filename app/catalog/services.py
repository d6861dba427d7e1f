"""Product writes. Each one appends a ProductChange in the same transaction as the change itself (so the
change log can never disagree with the products table), commits, and then brings the local search index
up to date. Other servers' indexes catch up from the change log on their own.

Call these from views, the admin and the CLI; never write Product rows directly if search should see it.
An admin's write passes `actor` (the admin, a User): the audit row then joins the same transaction.
"""
from sqlalchemy import exists, insert, select, update
from sqlalchemy.exc import IntegrityError

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


class DuplicateValue(InvalidProduct):
    """Another product already has this slug or SKU; `field` names which, so a form can show it inline."""

    def __init__(self, field, value):
        super().__init__(f"Another product already has the {field.upper() if field == 'sku' else field} {value!r}.")
        self.field = field


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


def _check_unique(values, product_id=None):
    """A readable error before the unique index would refuse the write (the index still decides a race)."""
    for field in ("slug", "sku"):
        if field not in values:
            continue
        value = str(values[field])
        # Through the unique index: the value as typed, and a SKU also in capitals (how SKUs are written).
        query = select(Product.id).where(getattr(Product, field).in_({value, value.upper()} if field == "sku" else {value}))
        if product_id is not None:
            query = query.where(Product.id != product_id)
        if db.session.execute(query.limit(1)).first() is not None:
            raise DuplicateValue(field, values[field])


def _commit_unique(values):
    """Commit; a unique index that refused the write (another writer took the slug or SKU between our
    check and the commit) becomes the same DuplicateValue the check raises, after a rollback."""
    try:
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        message = str(error.orig).lower()
        field = "sku" if "sku" in message else "slug" if "slug" in message else None
        if field is None:
            raise
        raise DuplicateValue(field, values.get(field, "")) from None


def product_snapshot(product):
    """The editable fields as plain values: the before/after of an audit row."""
    return {name: getattr(product, name) for name in EDITABLE_FIELDS}


def _audit(actor, action, product_id, before, after):
    if actor is not None:
        from app.admin.audit import record_admin_action  # the admin imports catalog, not the other way at load

        record_admin_action(actor, action, "product", product_id, before=before, after=after)


def _get(product_id):
    product = db.session.get(Product, product_id)
    if product is None:
        raise ProductNotFound(product_id)
    return product


def create_product(images=(), actor=None, **values):
    """A new product; `images` are paths under static/, shown in that order."""
    _validate(values)
    for required in ("sku", "slug", "name", "price"):
        if not values.get(required) and values.get(required) != 0:
            raise InvalidProduct(f"{required} is required")
    if actor is not None:
        _check_unique(values)
    product = Product(**values)
    product.images = [ProductImage(path=path, alt=product.name, position=n) for n, path in enumerate(images)]
    db.session.add(product)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        _check_unique(values)  # says which value is taken
        raise
    record_product_change(db.session, product.id)
    _audit(actor, "product.create", product.id, None, product_snapshot(product))
    _commit_unique(values)
    update_search_index()
    return product


def update_product(product_id, actor=None, audit_action="product.update", **values):
    _validate(values)
    product = _get(product_id)
    if actor is not None:
        _check_unique(values, product_id=product.id)
    before = product_snapshot(product)
    for name, value in values.items():
        setattr(product, name, value)
    record_product_change(db.session, product.id)
    _audit(actor, audit_action, product.id, before, product_snapshot(product))
    _commit_unique(values)
    update_search_index()
    return product


def deactivate_product(product_id):
    return update_product(product_id, is_active=False)


def delete_product(product_id, actor=None):
    from app.catalog.image_store import files_of, remove_files

    product = _get(product_id)
    uploaded = [file for image in product.images for file in files_of(image.path)]
    _audit(actor, "product.delete", product_id, product_snapshot(product), None)
    db.session.delete(product)
    record_product_change(db.session, product_id, kind="delete")
    db.session.commit()
    remove_files(uploaded)  # only once the rows are gone for good: a rolled-back delete keeps its pictures
    update_search_index()


def product_was_ordered(product_id):
    from app.orders.models import OrderLine  # orders depend on the catalog; this is the one look back

    return db.session.execute(select(exists().where(OrderLine.product_id == product_id))).scalar()


def remove_product(product_id, actor=None):
    """Delete a product nobody ordered; archive (inactive, kept) one that appears in orders, whose lines
    keep their own snapshot but still link to it. Returns "deleted" or "archived"."""
    _get(product_id)
    if product_was_ordered(product_id):
        update_product(product_id, actor=actor, audit_action="product.archive", is_active=False)
        return "archived"
    delete_product(product_id, actor=actor)
    return "deleted"


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
