"""admin: the audit trail of admin actions, and the tracking number of a shipped order

Revision ID: 0006_admin
Revises: 0005_catalog_scale
Create Date: 2026-11-29 17:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0006_admin"
down_revision = "0005_catalog_scale"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "admin_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_email", sa.String(length=254), nullable=False),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("target_type", sa.String(length=40), nullable=False),
        sa.Column("target_id", sa.String(length=64), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name=op.f("fk_admin_actions_actor_id_users"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_admin_actions")),
    )
    with op.batch_alter_table("admin_actions", schema=None) as batch_op:
        batch_op.create_index("ix_admin_actions_target", ["target_type", "target_id", "created_at"], unique=False)
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("tracking_number", sa.String(length=100), nullable=False, server_default=""))
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.alter_column("tracking_number", existing_type=sa.String(length=100), server_default=None)


def downgrade():
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_column("tracking_number")
    with op.batch_alter_table("admin_actions", schema=None) as batch_op:
        batch_op.drop_index("ix_admin_actions_target")
    op.drop_table("admin_actions")
