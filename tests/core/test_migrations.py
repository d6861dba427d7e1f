"""The migrations build the whole schema, on whichever database the suite runs on."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import Migrate
from sqlalchemy import inspect


def test_migrations_reach_head_and_match_models(app, db):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        config = app.extensions["migrate"].migrate.get_config(app.extensions["migrate"].directory)
        heads = ScriptDirectory.from_config(config).get_heads()
        assert len(heads) == 1, f"migrations have several heads: {heads}"
        assert context.get_current_revision() == heads[0]
        diff = compare_metadata(context, db.metadata)
    assert diff == [], f"models and migrations disagree (run `flask db migrate`): {diff}"


def test_every_table_exists(db):
    tables = set(inspect(db.engine).get_table_names())
    for name in ["users", "addresses", "categories", "products", "product_images", "carts", "cart_lines",
                 "orders", "order_lines", "payments", "outbox_messages", "analytics_events", "product_changes"]:
        assert name in tables


def test_migrate_extension_is_configured(app):
    assert isinstance(app.extensions["migrate"].migrate, Migrate)
