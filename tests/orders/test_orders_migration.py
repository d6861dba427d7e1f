"""Migration 0004_orders evolves the first-cut order tables with rows in them, and goes back down. On a
scratch SQLite file (the session's database, SQLite or PostgreSQL, is built by the same migrations in
tests/conftest.py and checked against the models in tests/core/test_migrations.py)."""
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from app import create_app
from app.extensions import db


def test_first_cut_rows_survive_the_upgrade_and_the_downgrade(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'm.db'}",
                      "SEARCH_INDEX_DIR": str(tmp_path / "index")})
    with app.app_context():
        upgrade(revision="0003_catalog")
        db.session.execute(text(
            "INSERT INTO orders (number, email, status, currency, subtotal, shipping, total, ship_name, ship_line1, "
            "ship_line2, ship_city, ship_region, ship_postcode, ship_country, created_at, updated_at) VALUES "
            "('OLD-1', 'a@example.com', 'pending', 'USD', 1000, 495, 1495, 'A', '1 Road', '', 'Town', '', '1', 'US', "
            "'2026-01-01', '2026-01-01')"))
        db.session.execute(text(
            "INSERT INTO payments (order_id, provider, idempotency_key, amount, currency, status, error, created_at, "
            "updated_at) VALUES (1, 'braintree', 'OLD-1-1', 1495, 'USD', 'pending', '', '2026-01-01', '2026-01-01')"))
        db.session.commit()
        upgrade()
        row = db.session.execute(text("SELECT status, tax, refunded, stock_taken, payment_attempts, shipping_method "
                                      "FROM orders")).one()
        assert tuple(row) == ("pending_payment", 0, 0, 0, 0, "")
        assert db.session.execute(text("SELECT kind, gateway_status FROM payments")).one() == ("sale", "")
        db.session.execute(text("INSERT INTO order_events (order_id, kind, reason, actor, created_at) "
                                "VALUES (1, 'note', 'kept', 'system', '2026-01-02')"))
        db.session.commit()
        downgrade(revision="0003_catalog")
        assert db.session.execute(text("SELECT status FROM orders")).scalar_one() == "pending"
        upgrade()
        assert db.session.execute(text("SELECT status FROM orders")).scalar_one() == "pending_payment"
        db.session.remove()
        db.engine.dispose()
