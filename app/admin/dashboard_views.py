"""The admin dashboard: sales, the funnel, top products and searches, low stock for a date range, each
drawn as an SVG chart or a table and downloadable as CSV (app/analytics/dashboard.py computes)."""
from flask import Response, abort, current_app, render_template, request

from app.admin import bp
from app.analytics.charts import Item, bar_rows, column_chart
from app.analytics.dashboard import BadRange, build_dashboard, parse_range
from app.analytics.exports import REPORTS, report_csv
from app.auth.decorators import admin_required
from app.database import utcnow
from app.money import format_money


def _range_or_error():
    try:
        return parse_range(request.args.get("start", ""), request.args.get("end", ""), utcnow().date()), None
    except BadRange as error:
        return None, str(error)


@bp.get("/dashboard")
@admin_required
def dashboard():
    date_range, error = _range_or_error()
    if error:
        return render_template("admin/dashboard.html", error=error, start=request.args.get("start", "")[:20],
                               end=request.args.get("end", "")[:20], reports=REPORTS), 400
    currency = current_app.config["CURRENCY"]
    board = build_dashboard(date_range, current_app.config["ANALYTICS_LOW_STOCK"])
    every = max(len(board.sales) // 6, 1)  # about six day labels under a column chart

    def day_items(value, text):
        return [Item(d.day.strftime("%d %b"), value(d), text(d), tick=i % every == 0)
                for i, d in enumerate(board.sales)]

    charts = {
        "revenue": column_chart(day_items(lambda d: d.net, lambda d: format_money(d.net, currency))),
        "orders": column_chart(day_items(lambda d: d.orders, lambda d: str(d.orders))),
        "funnel": bar_rows([Item(label, count) for label, count in board.funnel]),
    }
    return render_template("admin/dashboard.html", board=board, charts=charts, error=None, reports=REPORTS,
                           start=date_range.start.isoformat(), end=date_range.end.isoformat(), currency=currency)


@bp.get("/dashboard/<report>.csv")
@admin_required
def dashboard_csv(report):
    if report not in REPORTS:
        abort(404)
    date_range, error = _range_or_error()
    if error:
        return Response(error + "\n", 400, mimetype="text/plain")
    name = f"{report}-{date_range.start.isoformat()}-{date_range.end.isoformat()}.csv"
    return Response(report_csv(report, date_range, current_app.config), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
