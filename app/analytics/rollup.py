"""Daily roll-ups: each closed day's event numbers, computed once and kept in analytics_daily, so the
dashboard reads a few rows per day instead of scanning a million events.

A day's numbers come from `day_numbers(day)`, which the dashboard also uses for the days not rolled up
yet (today, or everything before the first `flask analytics rollup`): one definition, two uses.
Rolling up a day replaces its rows in one transaction and marks it with a "rolled_up" row, so running
it twice, or over a day that was already done, gives the same table. A day is closed once it ended
GRACE ago (queued events are written a few seconds late, app.analytics.services).

Numbers per day (UTC):
- sessions: distinct visitors (hashed session keys) with any tracked page event;
- product_view / add_to_cart / checkout_started: distinct visitors with at least one of those events;
- paid: paid orders (order_paid events; counted per order, since a payment may arrive by webhook,
  outside the shopper's session);
- search / search_zero (key: the query, lower-cased): searches, and those that found nothing.
"""
from collections import Counter
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import case, delete, distinct, func, insert, select

from app.analytics.models import DailyMetric, Event
from app.database import utcnow
from app.extensions import db

GRACE = timedelta(minutes=10)
ROLLED_UP = "rolled_up"
SESSION_KINDS = ("product_view", "search", "add_to_cart", "checkout_started")
FUNNEL_KINDS = ("product_view", "add_to_cart", "checkout_started")
MAX_KEY = 200


def day_bounds(day):
    start = datetime.combine(day, time.min, tzinfo=timezone.utc)
    return start, start + timedelta(days=1)


def _in_day(day):
    start, end = day_bounds(day)
    return (Event.created_at >= start, Event.created_at < end)


def search_key(query):
    return " ".join(str(query or "").lower().split())[:MAX_KEY]


def day_numbers(day):
    """{(metric, key): value} for one day, straight from the events."""
    session = Event.data["session"].as_string()
    numbers = Counter()
    numbers[("sessions", "")] = db.session.execute(
        select(func.count(distinct(session))).where(Event.kind.in_(SESSION_KINDS), *_in_day(day))).scalar_one()
    for kind, count in db.session.execute(
            select(Event.kind, func.count(distinct(session))).where(Event.kind.in_(FUNNEL_KINDS), *_in_day(day))
            .group_by(Event.kind)):
        numbers[(kind, "")] = count
    numbers[("paid", "")] = db.session.execute(
        select(func.count()).where(Event.kind == "order_paid", *_in_day(day))).scalar_one()
    # A subquery, so that GROUP BY names columns (PostgreSQL does not match two renderings of a JSON path).
    searches = select(Event.data["query"].as_string().label("query"),
                      Event.data["results"].as_integer().label("results")) \
        .where(Event.kind == "search", *_in_day(day)).subquery()
    zero = func.sum(case((searches.c.results == 0, 1), else_=0))
    for text, count, zero_count in db.session.execute(
            select(searches.c.query, func.count(), zero).group_by(searches.c.query)):
        key = search_key(text)
        if key:
            numbers[("search", key)] += count
            if zero_count:
                numbers[("search_zero", key)] += int(zero_count)
    return {name: value for name, value in numbers.items() if value or name[1] == ""}


def rolled_up_through():
    """The last day rolled up (None: none yet)."""
    return db.session.execute(select(func.max(DailyMetric.day)).where(DailyMetric.metric == ROLLED_UP)).scalar_one()


def last_closed_day(now=None):
    return ((now or utcnow()) - GRACE).date() - timedelta(days=1)


def days_to_roll_up(rebuild=False, now=None):
    """The closed days after the last one rolled up (all days with events, with rebuild)."""
    done = None if rebuild else rolled_up_through()
    if done is None:
        first = db.session.execute(select(func.min(Event.created_at))).scalar_one()
        if first is None:
            return []
        start = (first.date() if isinstance(first, datetime) else date.fromisoformat(str(first)[:10]))
    else:
        start = done + timedelta(days=1)
    last = last_closed_day(now)
    return [start + timedelta(days=i) for i in range((last - start).days + 1)]


def roll_up_day(day):
    """Replace the day's rows with its numbers now (own transaction)."""
    numbers = day_numbers(day)
    db.session.execute(delete(DailyMetric).where(DailyMetric.day == day))
    rows = [{"day": day, "metric": metric, "key": key, "value": value} for (metric, key), value in numbers.items()]
    rows.append({"day": day, "metric": ROLLED_UP, "key": "", "value": 1})
    db.session.execute(insert(DailyMetric), rows)
    db.session.commit()
