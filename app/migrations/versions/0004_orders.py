"""orders: checkout-ready orders (tax, shipping method, address phone, refunds, stock hold, payment
attempts), order events, and payment records with the gateway's answer

Revision ID: 0004_orders
Revises: 0003_catalog
Create Date: 2026-11-29 13:30:00

The first-cut tables of 0001 had no rows written by the app (checkout did not exist), but a shop may have
inserted some by hand: existing rows get defaults, and the old status "pending" becomes "pending_payment".
"""
import sqlalchemy as sa
from alembic import op

revision = "0004_orders"
down_revision = "0003_catalog"
branch_labels = None
depends_on = None

ORDER_COLUMNS = [
    ("tax", sa.Integer(), "0"),
    ("refunded", sa.Integer(), "0"),
    ("shipping_method", sa.String(length=40), ""),
    ("shipping_method_name", sa.String(length=120), ""),
    ("tax_rate", sa.Integer(), "0"),
    ("ship_phone", sa.String(length=40), ""),
    ("stock_taken", sa.Boolean(), "false"),
    ("payment_attempts", sa.Integer(), "0"),
    ("payment_message", sa.Text(), ""),
]
PAYMENT_COLUMNS = [
    ("kind", sa.String(length=10), "sale"),
    ("gateway_status", sa.String(length=40), ""),
    ("response_code", sa.String(length=40), ""),
    ("method", sa.String(length=80), ""),
]


def _add_with_defaults(table, columns):
    """NOT NULL columns need a value for existing rows: add them with a server default, then drop the
    default (the models set values; two batches, because SQLite copies the table in each)."""
    with op.batch_alter_table(table, schema=None) as batch_op:
        for name, type_, default in columns:
            batch_op.add_column(sa.Column(name, type_, nullable=False, server_default=sa.text(
                default if default in ("0", "false") else f"'{default}'")))
    with op.batch_alter_table(table, schema=None) as batch_op:
        for name, type_, _default in columns:
            batch_op.alter_column(name, existing_type=type_, server_default=None)


def upgrade():
    _add_with_defaults("orders", ORDER_COLUMNS)
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cart_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("hold_until", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_orders_cart_id_carts"), "carts", ["cart_id"], ["id"],
                                    ondelete="SET NULL")
        batch_op.create_index("ix_orders_email", ["email"], unique=False)
        batch_op.create_check_constraint(op.f("ck_orders_total_adds_up"), "total = subtotal + shipping + tax")
        batch_op.create_check_constraint(op.f("ck_orders_refunds_within_total"), "refunded <= total")
    op.execute("UPDATE orders SET status = 'pending_payment' WHERE status = 'pending'")

    with op.batch_alter_table("order_lines", schema=None) as batch_op:
        batch_op.create_check_constraint(op.f("ck_order_lines_line_total_adds_up"), "line_total = unit_price * quantity")

    _add_with_defaults("payments", PAYMENT_COLUMNS)

    op.create_table(
        "order_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("from_status", sa.String(length=20), nullable=True),
        sa.Column("to_status", sa.String(length=20), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(length=60), nullable=False),
        sa.Column("external_id", sa.String(length=80), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], name=op.f("fk_order_events_order_id_orders"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_events")),
        sa.UniqueConstraint("external_id", name=op.f("uq_order_events_external_id")),
    )
    with op.batch_alter_table("order_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_order_events_order_id"), ["order_id"], unique=False)


def downgrade():
    with op.batch_alter_table("order_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_order_events_order_id"))
    op.drop_table("order_events")
    with op.batch_alter_table("payments", schema=None) as batch_op:
        for name, _type, _default in PAYMENT_COLUMNS:
            batch_op.drop_column(name)
    with op.batch_alter_table("order_lines", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_order_lines_line_total_adds_up"), type_="check")
    op.execute("UPDATE orders SET status = 'pending' WHERE status = 'pending_payment'")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_orders_refunds_within_total"), type_="check")
        batch_op.drop_constraint(op.f("ck_orders_total_adds_up"), type_="check")
        batch_op.drop_index("ix_orders_email")
        batch_op.drop_constraint(batch_op.f("fk_orders_cart_id_carts"), type_="foreignkey")
        batch_op.drop_column("hold_until")
        batch_op.drop_column("cart_id")
        for name, _type, _default in ORDER_COLUMNS:
            batch_op.drop_column(name)
