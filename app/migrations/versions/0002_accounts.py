"""Accounts: at most one default address per user.

Revision ID: 0002_accounts
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002_accounts"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("addresses", schema=None) as batch_op:
        batch_op.create_index(
            "uq_addresses_one_default_per_user", ["user_id"], unique=True,
            sqlite_where=sa.text("is_default"), postgresql_where=sa.text("is_default"),
        )


def downgrade():
    with op.batch_alter_table("addresses", schema=None) as batch_op:
        batch_op.drop_index("uq_addresses_one_default_per_user")
