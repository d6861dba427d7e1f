"""catalog at scale: covering indexes for every listing order, the category pages, related and featured products

Revision ID: 0005_catalog_scale
Revises: 0004_orders
Create Date: 2026-11-29 14:00:00

Every catalog query now walks one index in its own order (ids, sort keys, price and stock in the index,
so a page is read from the index alone) instead of sorting or reading the products table; see
app/catalog/models.py and tests/catalog/test_query_plans.py. The two single-purpose indexes of the
first schema are covered by these and dropped.
"""
from alembic import op

revision = "0005_catalog_scale"
down_revision = "0004_orders"
branch_labels = None
depends_on = None

BEFORE = {
    "ix_products_active_category": ["is_active", "category_id"],
    "ix_products_created_at": ["created_at"],
    "ix_products_facets": ["is_active", "category_id", "price", "stock"],
    "ix_products_active_created": ["is_active", "created_at"],
    "ix_products_active_price": ["is_active", "price"],
    "ix_products_active_name": ["is_active", "name"],
}
AFTER = {
    "ix_products_facets": ["is_active", "category_id", "price", "id", "stock"],
    "ix_products_active_created": ["is_active", "created_at", "id", "price", "stock"],
    "ix_products_category_created": ["is_active", "category_id", "created_at", "id", "price", "stock"],
    "ix_products_active_price": ["is_active", "price", "id", "stock"],
    "ix_products_active_name": ["is_active", "name", "id", "category_id", "price", "stock"],
    "ix_products_featured": ["is_featured", "is_active", "id"],
}


def _replace(drop, create):
    with op.batch_alter_table("products", schema=None) as batch_op:
        for name in drop:
            batch_op.drop_index(name)
    with op.batch_alter_table("products", schema=None) as batch_op:
        for name, columns in create.items():
            batch_op.create_index(name, columns, unique=False)


def upgrade():
    _replace(BEFORE, AFTER)


def downgrade():
    _replace(AFTER, BEFORE)
