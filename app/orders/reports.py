"""Numbers for the admin's orders page: paid sales per day, drawn as a server-rendered SVG bar chart."""
from datetime import timedelta

from sqlalchemy import func, select

from app.database import utcnow
from app.extensions import db
from app.orders.models import Order
from app.orders.status import PAID_STATUSES

WIDTH, HEIGHT, GAP = 560, 140, 4


def sales_by_day(days=14, now=None):
    """[(date, order count, total minor units)] for the last `days` days, oldest first, zero days included."""
    today = (now or utcnow()).date()
    start = today - timedelta(days=days - 1)
    day = func.date(Order.created_at)
    rows = db.session.execute(
        select(day, func.count(), func.coalesce(func.sum(Order.total - Order.refunded), 0))
        .where(Order.status.in_(PAID_STATUSES + ("refunded",)), Order.created_at >= start)
        .group_by(day)
    ).all()
    found = {str(d): (count, total) for d, count, total in rows}
    return [(start + timedelta(days=i), *found.get(str(start + timedelta(days=i)), (0, 0))) for i in range(days)]


def bar_chart(series):
    """Bars (x, y, width, height, label) scaled into the chart's box."""
    top = max((total for _d, _c, total in series), default=0) or 1
    width = (WIDTH - GAP * (len(series) - 1)) / max(len(series), 1)
    bars = []
    for i, (day, count, total) in enumerate(series):
        height = round(total / top * (HEIGHT - 20))
        bars.append({"x": round(i * (width + GAP), 1), "y": HEIGHT - height, "width": round(width, 1),
                     "height": height, "day": day, "count": count, "total": total})
    return {"bars": bars, "width": WIDTH, "height": HEIGHT, "top": top}
