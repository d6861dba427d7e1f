"""Each dashboard report as CSV rows: (header, rows) for a date range. Money in decimal major units
("12.34"), the same numbers the page shows."""
import csv
import io

from app.analytics.dashboard import (
    event_source,
    funnel,
    low_stock,
    product_sales,
    sales_per_day,
    top_products,
    top_searches,
)
from app.money import to_decimal


def _sales(date_range, config):
    currency = config["CURRENCY"]
    return (["day", "orders", "gross", "refunded", "net"],
            [[d.day.isoformat(), d.orders, to_decimal(d.gross, currency), to_decimal(d.refunded, currency),
              to_decimal(d.net, currency)] for d in sales_per_day(date_range)])


def _funnel(date_range, config):
    return ["stage", "count"], [list(stage) for stage in funnel(date_range)]


def _products(by):
    def report(date_range, config):
        return (["product_id", "name", "units", "revenue"],
                [[p.product_id or "", p.name, p.units, to_decimal(p.revenue, config["CURRENCY"])]
                 for p in top_products(product_sales(date_range), by)])
    return report


def _searches(zero_results):
    def report(date_range, config):
        return ["query", "searches"], [list(row) for row in top_searches(date_range, zero_results,
                                                                           source=event_source(date_range))]
    return report


def _low_stock(date_range, config):
    return ["product_id", "name", "sku", "stock"], [list(row) for row in low_stock(config["ANALYTICS_LOW_STOCK"])]


REPORTS = {
    "sales": _sales,
    "funnel": _funnel,
    "top-products-by-revenue": _products("revenue"),
    "top-products-by-units": _products("units"),
    "top-searches": _searches(False),
    "zero-result-searches": _searches(True),
    "low-stock": _low_stock,
}


def safe_cell(value):
    """A cell a spreadsheet will not run as a formula (a search query or product name may start with =)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def report_csv(name, date_range, config):
    header, rows = REPORTS[name](date_range, config)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return out.getvalue()
