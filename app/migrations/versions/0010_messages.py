"""notifications: the outbox carries SMS too (channel, purpose, consent subjects, headers), consent and
its history, promotions

Revision ID: 0010_messages
Revises: 0009_analytics
Create Date: 2026-11-29 17:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0010_messages"
down_revision = "0009_analytics"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "contact_preferences",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("mobile_phone", sa.String(length=20), nullable=False),
        sa.Column("sms_order_updates", sa.Boolean(), nullable=False),
        sa.Column("email_news", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_contact_preferences_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_contact_preferences")),
    )
    op.create_table(
        "order_sms_consents",
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("granted", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], name=op.f("fk_order_sms_consents_order_id_orders"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("order_id", name=op.f("pk_order_sms_consents")),
    )
    op.create_table(
        "consent_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("granted", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], name=op.f("fk_consent_events_order_id_orders"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_consent_events_user_id_users"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_events")),
    )
    with op.batch_alter_table("consent_events", schema=None) as batch_op:
        batch_op.create_index("ix_consent_events_source", ["source"], unique=False)
        batch_op.create_index(batch_op.f("ix_consent_events_user_id"), ["user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_consent_events_order_id"), ["order_id"], unique=False)
    op.create_table(
        "promotions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("skus", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_promotions_created_by_id_users"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_promotions")),
    )
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("channel", sa.String(length=10), server_default="email", nullable=False))
        batch_op.add_column(sa.Column("purpose", sa.String(length=20), server_default="", nullable=False))
        batch_op.add_column(sa.Column("user_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("order_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("promotion_id", sa.Integer(), nullable=True))
        # Existing rows get {} (no extra headers); new rows always set it, so no server default is kept.
        batch_op.add_column(sa.Column("headers", sa.JSON(), server_default=sa.text("'{}'"), nullable=False))
        batch_op.create_index(batch_op.f("ix_outbox_messages_promotion_id"), ["promotion_id"], unique=False)
        batch_op.create_unique_constraint("uq_outbox_messages_promotion_user", ["promotion_id", "user_id"])
        batch_op.create_foreign_key(batch_op.f("fk_outbox_messages_user_id_users"), "users", ["user_id"], ["id"], ondelete="SET NULL")
        batch_op.create_foreign_key(batch_op.f("fk_outbox_messages_order_id_orders"), "orders", ["order_id"], ["id"], ondelete="SET NULL")
        batch_op.create_foreign_key(batch_op.f("fk_outbox_messages_promotion_id_promotions"), "promotions", ["promotion_id"], ["id"], ondelete="SET NULL")
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.alter_column("headers", server_default=None)


def downgrade():
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_outbox_messages_promotion_id_promotions"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_outbox_messages_order_id_orders"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_outbox_messages_user_id_users"), type_="foreignkey")
        batch_op.drop_constraint("uq_outbox_messages_promotion_user", type_="unique")
        batch_op.drop_index(batch_op.f("ix_outbox_messages_promotion_id"))
        for name in ("headers", "promotion_id", "order_id", "user_id", "purpose", "channel"):
            batch_op.drop_column(name)
    op.drop_table("promotions")
    with op.batch_alter_table("consent_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consent_events_order_id"))
        batch_op.drop_index(batch_op.f("ix_consent_events_user_id"))
        batch_op.drop_index("ix_consent_events_source")
    op.drop_table("consent_events")
    op.drop_table("order_sms_consents")
    op.drop_table("contact_preferences")
