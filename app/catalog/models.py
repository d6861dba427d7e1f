"""Catalog: categories, products and their images, and the product change log that search follows."""
from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import TimestampMixin, utcnow
from app.extensions import db


class Category(TimestampMixin, db.Model):
    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(80), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)

    products: Mapped[list["Product"]] = relationship(back_populates="category")


class Product(TimestampMixin, db.Model):
    __tablename__ = "products"
    __table_args__ = (
        CheckConstraint("stock >= 0", name="stock_not_negative"),
        CheckConstraint("price >= 0", name="price_not_negative"),
        # Each catalog query walks one of these in its own order and stops at its LIMIT, or counts from
        # the index alone; none reads the products table (tests/catalog/test_query_plans.py). The id
        # after the sort key gives ties a stable order without a sort step (PostgreSQL does not append
        # it to an index the way SQLite appends the rowid); price and stock at the end let the filters
        # be checked in the index, so a listing page is an index-only read (migration 0005_catalog_scale).
        Index("ix_products_facets", "is_active", "category_id", "price", "id", "stock"),
        Index("ix_products_active_created", "is_active", "created_at", "id", "price", "stock"),
        Index("ix_products_category_created", "is_active", "category_id", "created_at", "id", "price", "stock"),
        Index("ix_products_active_price", "is_active", "price", "id", "stock"),
        Index("ix_products_active_name", "is_active", "name", "id", "category_id", "price", "stock"),
        Index("ix_products_featured", "is_featured", "is_active", "id"),
        # The admin's product list (app/admin/product_list.py): one per filter, in the order it lists.
        Index("ix_products_admin_category", "category_id", "id"),
        Index("ix_products_admin_active", "is_active", "id"),
        Index("ix_products_admin_stock", "stock", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sku: Mapped[str] = mapped_column(String(40), unique=True, nullable=False)
    slug: Mapped[str] = mapped_column(String(160), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    brand: Mapped[str] = mapped_column(String(80), nullable=False, default="")
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    price: Mapped[int] = mapped_column(Integer, nullable=False)  # minor units
    currency: Mapped[str] = mapped_column(String(3), nullable=False, default="USD")
    stock: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    is_active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    is_featured: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id", ondelete="SET NULL"))

    category: Mapped[Category | None] = relationship(back_populates="products")
    images: Mapped[list["ProductImage"]] = relationship(
        back_populates="product", cascade="all, delete-orphan", order_by="ProductImage.position"
    )

    @property
    def in_stock(self):
        return self.stock > 0

    @property
    def main_image(self):
        return self.images[0] if self.images else None


class ProductImage(db.Model):
    __tablename__ = "product_images"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), index=True, nullable=False)
    # Under static/ ("img/placeholders/audio-3.png") or an upload ("uploads/<key>"): app/catalog/image_store.py.
    path: Mapped[str] = mapped_column(String(255), nullable=False)
    alt: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)

    product: Mapped[Product] = relationship(back_populates="images")


class ProductChange(db.Model):
    """Append-only log of product writes (including deletes), in commit order by id.

    A search index records the highest id it has applied (its watermark) and catches up from here, so an
    app server that was down, or is new, replays only what it missed.
    """

    __tablename__ = "product_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    product_id: Mapped[int] = mapped_column(Integer, index=True, nullable=False)  # no FK: outlives deletes
    kind: Mapped[str] = mapped_column(String(10), nullable=False)  # "upsert" | "delete"
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)
