"""Admin test helpers: a logged-in admin client, and an order that names a product."""
import pytest

from app.extensions import db
from app.orders.models import Order, OrderLine
from tests.factories import log_in, make_user


@pytest.fixture
def admin_client(app):
    make_user(app, email="boss@example.com", name="Boss", admin=True)
    client = app.test_client()
    assert log_in(client, email="boss@example.com").status_code == 303
    return client


def order_with(app, product, number="SHOP-0001", user_id=None, email="buyer@example.com"):
    """A paid order with one line of `product` (a snapshot, as placed orders keep)."""
    with app.app_context():
        order = Order(number=number, email=email, user_id=user_id, status="paid", subtotal=product.price,
                      total=product.price)
        order.lines = [OrderLine(product_id=product.id, sku=product.sku, name=product.name,
                                 unit_price=product.price, quantity=1, line_total=product.price)]
        db.session.add(order)
        db.session.commit()
        return order.id
