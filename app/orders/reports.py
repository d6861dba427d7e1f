"""Numbers for the admin's orders page: paid sales per day, drawn as a server-rendered SVG bar chart."""
from datetime import timedelta

from sqlalchemy import func, select

from app.analytics.charts import Item, column_chart
from app.database import utcnow
from app.extensions import db
from app.orders.models import Order
from app.orders.status import PAID_STATUSES



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
    """The column chart of app.analytics.charts, each bar also carrying its day, count and total."""
    chart = column_chart([Item(day.strftime("%d %b"), total) for day, _count, total in series])
    for bar, (day, count, total) in zip(chart["bars"], series):
        bar.update(day=day, count=count, total=total)
    return chart
