"""Products as CSV rows in the import's columns, so an export imports back unchanged. Read in batches
of BATCH_ROWS by id (keyset: each batch starts after the last id), so a streamed download of 100,000
products holds one batch at a time."""
from sqlalchemy import select

from app.catalog.csv_format import PRODUCT_COLUMNS, format_flag
from app.catalog.models import Category, Product
from app.extensions import db
from app.money import to_decimal

BATCH_ROWS = 1000


def product_rows():
    """The header, then one list of cells per product, in id order."""
    yield list(PRODUCT_COLUMNS)
    last_id = 0
    while True:
        batch = db.session.execute(
            select(Product.id, Product.sku, Product.name, Product.slug, Product.brand, Category.slug,
                   Product.description, Product.price, Product.currency, Product.stock, Product.is_active,
                   Product.is_featured)
            .outerjoin(Category, Category.id == Product.category_id)
            .where(Product.id > last_id).order_by(Product.id).limit(BATCH_ROWS)
        ).all()
        if not batch:
            return
        for (_id, sku, name, slug, brand, category, description, price, currency, stock, active,
             featured) in batch:
            yield [sku, name, slug, brand, category or "", description, to_decimal(price, currency), stock,
                   format_flag(active), format_flag(featured)]
        last_id = batch[-1][0]
        db.session.rollback()  # end the read transaction between batches: a long download holds no snapshot
