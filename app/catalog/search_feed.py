"""The catalog's side of the search seam: the product rows and the change log that the search index
follows (the ProductFeed of app/search/feed.py). Every call uses the current app context's session."""
from sqlalchemy import func, select, true

from app.catalog.models import Category, Product, ProductChange
from app.extensions import db
from app.search.feed import Change, IndexRow


class CatalogFeed:
    def latest_change_id(self):
        return db.session.execute(select(func.max(ProductChange.id))).scalar() or 0

    def changes_after(self, change_id, limit):
        rows = db.session.execute(
            select(ProductChange.id, ProductChange.product_id, ProductChange.kind, ProductChange.created_at)
            .where(ProductChange.id > change_id).order_by(ProductChange.id).limit(limit)
        ).all()
        # A category change (its id is a category's) touches no indexed product by itself; a renamed
        # category logs an upsert for each of its products.
        return [Change(row.id, None if row.kind == "category" else row.product_id, row.created_at) for row in rows]

    def rows(self, ids=None):
        statement = (
            select(Product.id, Product.sku, Product.name, Product.brand, Product.description, Product.price,
                   Product.stock, Product.created_at, Product.is_active, Category.slug, Category.name)
            .outerjoin(Category, Category.id == Product.category_id)
        )
        if ids is None:
            statement = statement.where(Product.is_active == true())  # a full read: the rebuild wants them all
        else:
            # By primary key only, is_active checked below: SQLite would otherwise walk an is_active index.
            statement = statement.where(Product.id.in_(list(ids)))
        return [IndexRow(*row[:8], *row[9:]) for row in db.session.execute(statement.order_by(Product.id))
                if row.is_active]

    def active_count(self):
        return db.session.execute(select(func.count(Product.id)).where(Product.is_active == true())).scalar_one()

    def end_read(self):
        db.session.rollback()
