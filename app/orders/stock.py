"""Taking and returning stock for an order, in the caller's transaction.

Taking is one conditional UPDATE per line (`stock = stock - q WHERE stock >= q`) whose row count says
whether it held: no read-then-write, so two buyers of the last item can never both get it, on SQLite or
PostgreSQL. Returning is guarded by the order's own `stock_taken` flag, flipped by a conditional UPDATE,
so stock comes back exactly once however many paths (a decline, reconcile, a cancel) try.

Every change goes into the product change log, so the search index's in-stock filter follows. The index
only knows "in stock or not", so the request brings it up to date at once (update_search_index, which
waits for the index's writer lock) only when a product sold out or came back; any other stock change is
applied by the next sync (each server checks the log every SEARCH_SYNC_INTERVAL), which keeps orders from
queueing behind the index lock.
"""
from sqlalchemy import update

from app.catalog.models import Product
from app.catalog.services import record_product_change, update_search_index
from app.extensions import db
from app.orders.models import Order
from app.orders.status import OrderError

SEARCH_STALE = "orders.search_stale"  # session.info key: availability changed, sync the index after commit


class OutOfStock(OrderError):
    def __init__(self, name, available):
        self.name, self.available = name, max(available, 0)
        if self.available:
            message = f"Only {self.available} of {name} left in stock. Lower the quantity in your cart to order."
        else:
            message = f"{name} has just sold out. Remove it from your cart to order the rest."
        super().__init__(message)


def take_stock(order):
    """Take every line's quantity from stock, or raise OutOfStock (the caller rolls back). The caller
    marks the order `stock_taken` in the same transaction."""
    for line in order.lines:
        left = db.session.execute(
            update(Product)
            .where(Product.id == line.product_id, Product.is_active.is_(True), Product.stock >= line.quantity)
            .values(stock=Product.stock - line.quantity)
            .returning(Product.stock)
            .execution_options(synchronize_session=False)
        ).scalar_one_or_none()
        if left is None:
            product = db.session.get(Product, line.product_id, populate_existing=True)
            raise OutOfStock(line.name, product.stock if product is not None and product.is_active else 0)
        record_product_change(db.session, line.product_id)
        if left == 0:
            db.session.info[SEARCH_STALE] = True  # sold out: search must stop offering it now


def return_stock(order):
    """Give the order's quantities back to stock, once. Returns True if this call returned them."""
    claimed = db.session.execute(
        update(Order).where(Order.id == order.id, Order.stock_taken.is_(True)).values(stock_taken=False)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        return False
    for line in order.lines:
        if line.product_id is None:  # the product was deleted since; nothing to return it to
            continue
        now = db.session.execute(update(Product).where(Product.id == line.product_id)
                                 .values(stock=Product.stock + line.quantity).returning(Product.stock)
                                 .execution_options(synchronize_session=False)).scalar_one_or_none()
        record_product_change(db.session, line.product_id)
        if now == line.quantity:
            db.session.info[SEARCH_STALE] = True  # back in stock
    return True


def refresh_search():
    """After the commit: bring this server's search index up to date if a product's availability changed
    in this session (see the module's docstring); otherwise the regular sync applies the change log."""
    if db.session.info.pop(SEARCH_STALE, False):
        update_search_index()
