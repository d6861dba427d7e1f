"""Orders placed in a date range as CSV rows: number, date, email, status, money as decimals and the
number of items. Read in batches by id (keyset), so a streamed download holds one batch at a time."""
from datetime import datetime, time, timedelta, timezone

from sqlalchemy import func, select

from app.extensions import db
from app.money import to_decimal
from app.ops.dates import parse_day
from app.orders.models import Order, OrderLine

BATCH_ROWS = 1000
ORDER_COLUMNS = ("number", "placed_at", "email", "status", "currency", "subtotal", "shipping", "tax", "total",
                 "refunded", "items")


class InvalidDateRange(ValueError):
    pass


def parse_date_range(start_text, end_text):
    """(start, end) dates from YYYY-MM-DD text, both days included. Raises InvalidDateRange."""
    if not start_text or not end_text:
        raise InvalidDateRange("Choose a start and an end date.")
    try:
        start, end = parse_day(start_text), parse_day(end_text)
    except ValueError:
        raise InvalidDateRange("Dates must be real dates written as YYYY-MM-DD.") from None
    if end < start:
        raise InvalidDateRange("The end date is before the start date.")
    return start, end


def order_rows(start, end):
    """The header, then one list of cells per order placed from `start` to `end` (dates, UTC, inclusive)."""
    yield list(ORDER_COLUMNS)
    since = datetime.combine(start, time.min, tzinfo=timezone.utc)
    until = datetime.combine(end + timedelta(days=1), time.min, tzinfo=timezone.utc)
    items = (select(OrderLine.order_id, func.sum(OrderLine.quantity).label("item_count"))
             .group_by(OrderLine.order_id).subquery())
    last_id = 0
    while True:
        batch = db.session.execute(
            select(Order.id, Order.number, Order.created_at, Order.email, Order.status, Order.currency,
                   Order.subtotal, Order.shipping, Order.tax, Order.total, Order.refunded,
                   func.coalesce(items.c.item_count, 0))
            .outerjoin(items, items.c.order_id == Order.id)
            .where(Order.created_at >= since, Order.created_at < until, Order.id > last_id)
            .order_by(Order.id).limit(BATCH_ROWS)
        ).all()
        if not batch:
            return
        for (_id, number, placed_at, email, status, currency, subtotal, shipping, tax, total, refunded,
             count) in batch:
            money = [to_decimal(amount, currency) for amount in (subtotal, shipping, tax, total, refunded)]
            yield [number, _utc(placed_at).strftime("%Y-%m-%d %H:%M:%S"), email, status, currency, *money, count]
        last_id = batch[-1][0]
        db.session.rollback()


def _utc(moment):
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)
