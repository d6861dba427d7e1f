"""admin catalog and users: accounts that can be deactivated, and indexes for the admin's product list

Revision ID: 0007_admin_catalog
Revises: 0006_admin
Create Date: 2026-11-29 17:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0007_admin_catalog"
down_revision = "0006_admin"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("is_active", sa.Boolean(), nullable=False, server_default=sa.true()))
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.create_index("ix_products_admin_category", ["category_id", "id"], unique=False)
        batch_op.create_index("ix_products_admin_active", ["is_active", "id"], unique=False)
        batch_op.create_index("ix_products_admin_stock", ["stock", "id"], unique=False)


def downgrade():
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.drop_index("ix_products_admin_stock")
        batch_op.drop_index("ix_products_admin_active")
        batch_op.drop_index("ix_products_admin_category")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("is_active")
