"""catalog listing indexes: a covering index for the facet pass and one per browse sort

Revision ID: 0003_catalog
Revises: 0002_accounts
Create Date: 2026-11-24 19:20:00

"""
from alembic import op

revision = "0003_catalog"
down_revision = "0002_accounts"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_products_facets": ["is_active", "category_id", "price", "stock"],
    "ix_products_active_created": ["is_active", "created_at"],
    "ix_products_active_price": ["is_active", "price"],
    "ix_products_active_name": ["is_active", "name"],
}


def upgrade():
    with op.batch_alter_table("products", schema=None) as batch_op:
        for name, columns in INDEXES.items():
            batch_op.create_index(name, columns, unique=False)


def downgrade():
    with op.batch_alter_table("products", schema=None) as batch_op:
        for name in INDEXES:
            batch_op.drop_index(name)
