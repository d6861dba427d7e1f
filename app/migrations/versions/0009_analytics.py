"""analytics: daily roll-ups for the dashboard, the queue of events to forward, covering indexes for sales by day

Revision ID: 0009_analytics
Revises: 0007_admin_catalog
Create Date: 2026-11-29 17:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0009_analytics"
down_revision = "0007_admin_catalog"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "analytics_daily",
        sa.Column("metric", sa.String(length=40), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("metric", "day", "key", name=op.f("pk_analytics_daily")),
    )
    op.create_table(
        "analytics_forward_queue",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_analytics_forward_queue")),
    )
    with op.batch_alter_table("analytics_forward_queue", schema=None) as batch_op:
        batch_op.create_index("ix_analytics_forward_queue_due", ["status", "next_attempt_at"], unique=False)
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.create_index("ix_orders_sold", ["status", "created_at", "total", "refunded", "id"], unique=False)
    with op.batch_alter_table("order_lines", schema=None) as batch_op:
        batch_op.create_index("ix_order_lines_sales", ["order_id", "product_id", "quantity", "line_total"], unique=False)


def downgrade():
    with op.batch_alter_table("order_lines", schema=None) as batch_op:
        batch_op.drop_index("ix_order_lines_sales")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index("ix_orders_sold")
    with op.batch_alter_table("analytics_forward_queue", schema=None) as batch_op:
        batch_op.drop_index("ix_analytics_forward_queue_due")
    op.drop_table("analytics_forward_queue")
    op.drop_table("analytics_daily")
