"""`flask cart purge-guests`."""
from datetime import timedelta

from sqlalchemy import select

from app.cart.models import Cart
from app.cart.services import create_guest_cart
from app.database import utcnow
from app.extensions import db as _db


def test_purge_guests_deletes_only_stale_guest_carts(app, runner):
    with app.app_context():
        stale, fresh = create_guest_cart(), create_guest_cart()
        stale.updated_at = utcnow() - timedelta(days=31)
        _db.session.commit()
        fresh_id = fresh.id
    result = runner.invoke(args=["cart", "purge-guests"])
    assert result.exit_code == 0, result.output
    assert "Deleted 1 guest cart untouched for 30 days." in result.output
    with app.app_context():
        assert _db.session.execute(select(Cart.id)).scalars().all() == [fresh_id]
    assert runner.invoke(args=["cart", "purge-guests", "--days", "0"]).exit_code != 0
