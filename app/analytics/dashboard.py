"""The admin dashboard's numbers for a date range: sales per day, the funnel, top products, searches and
low stock. Explicit arguments, plain data back; app/admin/dashboard_views.py draws and downloads them.

Sales and products come from the orders themselves (always current: a refund made today lowers the day
the order was placed), read through the index on orders' creation time. Visitor numbers come from the
events: closed days from their roll-ups (app/analytics/rollup.py), days not rolled up yet (today)
straight from the events, with the same definitions.
"""
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from app.analytics.models import DailyMetric
from app.analytics.rollup import day_bounds, day_numbers, rolled_up_through
from app.catalog.models import Product
from app.extensions import db
from app.ops.dates import parse_day
from app.orders.models import Order, OrderLine
from app.orders.status import PAID_STATUSES

DEFAULT_DAYS = 30
MAX_DAYS = 731  # two years: a range is read day by day
TOP = 10
SOLD_STATUSES = PAID_STATUSES + ("refunded",)
FUNNEL = (("sessions", "Sessions"), ("product_view", "Viewed a product"), ("add_to_cart", "Added to cart"),
          ("checkout_started", "Started checkout"), ("paid", "Paid orders"))


class BadRange(ValueError):
    """The dates cannot make a range; the message is safe to show."""


@dataclass(frozen=True)
class DateRange:
    start: date
    end: date  # inclusive

    @property
    def days(self):
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1)]

    @property
    def bounds(self):
        return day_bounds(self.start)[0], day_bounds(self.end)[1]


def parse_range(start_text, end_text, today):
    """The range from ?start=YYYY-MM-DD&end=YYYY-MM-DD; either may be left out (default: the last
    DEFAULT_DAYS days up to today)."""
    def parse(text, name):
        try:
            return parse_day(text) if text and text.strip() else None
        except ValueError:
            raise BadRange(f"The {name} date must look like 2026-01-31.") from None

    end = parse(end_text, "end") or today
    start = parse(start_text, "start") or end - timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        raise BadRange("The start date must be on or before the end date.")
    if (end - start).days + 1 > MAX_DAYS:
        raise BadRange(f"A range can be at most {MAX_DAYS} days long.")
    return DateRange(start, end)


def _order_day(column):
    """The UTC calendar day of a timestamp, on either database."""
    if db.engine.dialect.name == "postgresql":
        return func.date(func.timezone("UTC", column))
    return func.date(column)


def _sold_in(date_range):
    start, end = date_range.bounds
    return (Order.created_at >= start, Order.created_at < end, Order.status.in_(SOLD_STATUSES))


@dataclass(frozen=True)
class DaySales:
    day: date
    orders: int
    gross: int
    refunded: int

    @property
    def net(self):
        return self.gross - self.refunded


def sales_per_day(date_range):
    """[DaySales] for every day of the range, oldest first, days without orders included."""
    day = _order_day(Order.created_at)
    found = {str(d): (count, gross, refunded) for d, count, gross, refunded in db.session.execute(
        select(day, func.count(), func.sum(Order.total), func.sum(Order.refunded))
        .where(*_sold_in(date_range)).group_by(day))}
    return [DaySales(d, *found.get(str(d), (0, 0, 0))) for d in date_range.days]


@dataclass(frozen=True)
class SalesSummary:
    orders: int
    gross: int
    refunded: int

    @property
    def net(self):
        return self.gross - self.refunded

    @property
    def average_order(self):
        """Average order value: what orders were placed for, before refunds (0 without orders)."""
        return round(self.gross / self.orders) if self.orders else 0


def summarise(days):
    return SalesSummary(sum(d.orders for d in days), sum(d.gross for d in days), sum(d.refunded for d in days))


@dataclass(frozen=True)
class ProductSales:
    product_id: int | None
    name: str
    units: int
    revenue: int


def product_sales(date_range):
    """[(product_id, units, revenue)] of every product sold in the range: one pass over the index of
    the range's order lines (names are looked up for the few that are shown: reading them here would
    read every line's row)."""
    return db.session.execute(
        select(OrderLine.product_id, func.sum(OrderLine.quantity), func.sum(OrderLine.line_total))
        .join(Order, Order.id == OrderLine.order_id).where(*_sold_in(date_range))
        .group_by(OrderLine.product_id)).all()


def top_products(sales, by="revenue", limit=TOP):
    """[ProductSales] the best of `product_sales(...)` by line revenue or by units sold, named as their
    order lines name them (a product deleted since: "Deleted product")."""
    def rank(row):
        product_id, units, revenue = row
        return (-(revenue if by == "revenue" else units), product_id or 0)
    best = sorted(sales, key=rank)[:limit]
    ids = [row[0] for row in best if row[0] is not None]
    names = dict(db.session.execute(
        select(OrderLine.product_id, func.max(OrderLine.name)).where(OrderLine.product_id.in_(ids))
        .group_by(OrderLine.product_id)).all()) if ids else {}
    return [ProductSales(product_id, names.get(product_id, "Deleted product"), int(units), int(revenue))
            for product_id, units, revenue in best]


def low_stock(threshold, limit=20):
    """Active products at or below `threshold` in stock, fewest first."""
    return db.session.execute(
        select(Product.id, Product.name, Product.sku, Product.stock)
        .where(Product.is_active.is_(True), Product.stock <= threshold)
        .order_by(Product.stock, Product.name).limit(limit)).all()


# --- from the events (roll-ups and today) -----------------------------------------------------------------

@dataclass(frozen=True)
class EventSource:
    """Where a range's event numbers come from: its rolled-up part (None: nothing rolled up in it) and
    the numbers of its other days, computed from the events once per dashboard."""
    rolled: DateRange | None
    live: Counter


def event_source(date_range):
    done = rolled_up_through()
    if done is None or done < date_range.start:
        rolled, live_days = None, date_range.days
    else:
        rolled = DateRange(date_range.start, min(done, date_range.end))
        live_days = [d for d in date_range.days if d > done]
    live = Counter()
    for day in live_days:
        live.update(day_numbers(day))
    return EventSource(rolled, live)


def _rolled_sums(rolled, metrics):
    return dict(db.session.execute(
        select(DailyMetric.metric, func.sum(DailyMetric.value))
        .where(DailyMetric.metric.in_(metrics), DailyMetric.day >= rolled.start, DailyMetric.day <= rolled.end)
        .group_by(DailyMetric.metric)).all())


def funnel(date_range, source=None):
    """[(stage label, count)] from sessions to paid orders. A visitor is counted once a day per stage."""
    source = source or event_source(date_range)
    totals = Counter({metric: value for (metric, key), value in source.live.items() if key == ""})
    if source.rolled is not None:
        totals.update({k: int(v) for k, v in _rolled_sums(source.rolled, [name for name, _ in FUNNEL]).items()})
    return [(label, totals[name]) for name, label in FUNNEL]


def top_searches(date_range, zero_results=False, limit=TOP, source=None):
    """[(query, searches)] most asked first; with zero_results, only searches that found nothing.

    Exact with roll-ups: a query outside the rolled-up top `limit` and not searched on the live days
    cannot overtake the rolled-up ones, so only those candidates are summed."""
    metric = "search_zero" if zero_results else "search"
    source = source or event_source(date_range)
    rolled = source.rolled
    live = Counter({key: value for (name, key), value in source.live.items() if name == metric})
    totals = Counter(live)
    if rolled is not None:
        in_rolled = (DailyMetric.metric == metric, DailyMetric.day >= rolled.start, DailyMetric.day <= rolled.end)
        total = func.sum(DailyMetric.value)
        leaders = db.session.execute(select(DailyMetric.key, total).where(*in_rolled).group_by(DailyMetric.key)
                                     .order_by(total.desc(), DailyMetric.key).limit(limit)).all()
        totals.update({key: int(value) for key, value in leaders})
        others = [key for key in live if key not in {k for k, _ in leaders}]
        for i in range(0, len(others), 500):
            totals.update({key: int(value) for key, value in db.session.execute(
                select(DailyMetric.key, total).where(*in_rolled, DailyMetric.key.in_(others[i:i + 500]))
                .group_by(DailyMetric.key))})
    return sorted(totals.items(), key=lambda item: (-item[1], item[0]))[:limit]


@dataclass(frozen=True)
class Dashboard:
    date_range: DateRange
    sales: list
    summary: SalesSummary
    funnel: list
    top_by_revenue: list
    top_by_units: list
    top_searches: list
    zero_searches: list
    low_stock: list


def build_dashboard(date_range, low_stock_threshold):
    sales, source, products = sales_per_day(date_range), event_source(date_range), product_sales(date_range)
    return Dashboard(date_range, sales, summarise(sales), funnel(date_range, source),
                     top_products(products, "revenue"), top_products(products, "units"),
                     top_searches(date_range, source=source), top_searches(date_range, zero_results=True, source=source),
                     low_stock(low_stock_threshold))
