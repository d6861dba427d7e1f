"""Category writes for the admin: create, rename, reorder, move products out, delete when empty.

Each one logs a catalog change of kind "category" (every page that lists categories is re-rendered), and
moving products logs an upsert per product too (the search index files products under their category).
The admin passes itself as `actor`: the audit row commits with the change.
"""
from sqlalchemy import func, insert, literal, select, update
from sqlalchemy.exc import IntegrityError

from app.catalog.models import Category, Product, ProductChange
from app.catalog.services import update_search_index
from app.database import utcnow
from app.extensions import db


def record_admin_action(*args, **kwargs):
    from app.admin.audit import record_admin_action as record  # the admin imports catalog, not back at load

    return record(*args, **kwargs)


class CategoryError(ValueError):
    """A refused category change; the message is safe to show."""


class CategoryNotFound(LookupError):
    pass


class DuplicateSlug(CategoryError):
    field = "slug"


class CategoryNotEmpty(CategoryError):
    def __init__(self, category, count):
        super().__init__(f"{category.name} still has {count} product{'s' if count != 1 else ''}: "
                         "move them to another category first.")
        self.count = count


def _snapshot(category):
    return {"name": category.name, "slug": category.slug, "description": category.description,
            "position": category.position}


def _get(category_id):
    category = db.session.get(Category, category_id)
    if category is None:
        raise CategoryNotFound(category_id)
    return category


def _logged(category_id):
    db.session.add(ProductChange(product_id=category_id, kind="category"))


def _check_slug(slug, category_id=None):
    query = select(Category.id).where(Category.slug == slug)
    if category_id is not None:
        query = query.where(Category.id != category_id)
    if db.session.execute(query).first() is not None:
        raise DuplicateSlug(f"Another category already has the slug {slug!r}.")


def _commit_slug(slug):
    """Commit; the unique index refusing a slug another writer just took is the same DuplicateSlug."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise DuplicateSlug(f"Another category already has the slug {slug!r}.") from None


def ordered_categories():
    return db.session.execute(select(Category).order_by(Category.position, Category.name, Category.id)).scalars().all()


def product_counts():
    """{category id: number of products}, archived ones included (they still belong to it)."""
    return dict(db.session.execute(
        select(Product.category_id, func.count()).where(Product.category_id.is_not(None)).group_by(Product.category_id)
    ).all())


def add_category(actor, name, slug, description=""):
    _check_slug(slug)
    last = db.session.execute(select(func.max(Category.position))).scalar()
    category = Category(name=name, slug=slug, description=description, position=0 if last is None else last + 1)
    db.session.add(category)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise DuplicateSlug(f"Another category already has the slug {slug!r}.") from None
    _logged(category.id)
    record_admin_action(actor, "category.create", "category", category.id, after=_snapshot(category))
    _commit_slug(slug)
    return category


def edit_category(actor, category_id, name, slug, description=""):
    category = _get(category_id)
    _check_slug(slug, category_id)
    before = _snapshot(category)
    category.name, category.slug, category.description = name, slug, description
    _logged(category.id)
    record_admin_action(actor, "category.update", "category", category.id, before, _snapshot(category))
    _commit_slug(slug)
    return category


def move_category(actor, category_id, step):
    """Swap with the neighbour above (step -1) or below (+1). Positions are renumbered 0..n-1 first, so
    equal positions left by older data cannot make a move do nothing."""
    ordered = ordered_categories()
    index = next((n for n, c in enumerate(ordered) if c.id == category_id), None)
    if index is None:
        raise CategoryNotFound(category_id)
    other = index + step
    if step not in (-1, 1) or not 0 <= other < len(ordered):
        return ordered[index]
    ordered[index], ordered[other] = ordered[other], ordered[index]
    moved = ordered[other]
    before = moved.position
    for position, category in enumerate(ordered):
        category.position = position
    _logged(moved.id)
    record_admin_action(actor, "category.move", "category", moved.id, {"position": before}, {"position": moved.position})
    db.session.commit()
    return moved


def move_products(actor, category_id, target_id):
    """Every product of one category into another, each logged for search. Returns how many moved."""
    source, target = _get(category_id), _get(target_id)
    if source.id == target.id:
        raise CategoryError("Choose another category to move the products to.")
    # One statement each, however many products: the change log rows, then the move.
    db.session.execute(insert(ProductChange).from_select(
        ["product_id", "kind", "created_at"],
        select(Product.id, literal("upsert"), literal(utcnow(), ProductChange.created_at.type))
        .where(Product.category_id == source.id).order_by(Product.id)))
    moved = db.session.execute(
        update(Product).where(Product.category_id == source.id).values(category_id=target.id)
        .execution_options(synchronize_session=False)).rowcount
    _logged(source.id)
    record_admin_action(actor, "category.move_products", "category", source.id,
                        {"products": moved}, {"products": 0, "moved_to": target.slug})
    db.session.commit()
    update_search_index()
    return moved


def delete_category(actor, category_id):
    category = _get(category_id)
    count = db.session.execute(select(func.count()).where(Product.category_id == category.id)).scalar()
    if count:
        raise CategoryNotEmpty(category, count)
    record_admin_action(actor, "category.delete", "category", category.id, before=_snapshot(category))
    db.session.delete(category)
    _logged(category_id)
    db.session.commit()
