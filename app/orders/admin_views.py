"""The admin's orders: a list with a sales chart, one order with its lines, payments and history, and the
actions the status machine allows (ship, deliver, cancel an unpaid order, add a note). Capture, void and
refund talk to the gateway and live in app.payments.views."""
import secrets
from datetime import datetime, time, timedelta, timezone

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import or_, select

from app.auth.decorators import admin_required
from app.extensions import db
from app.ops.dates import parse_day as parse_iso_day
from app.orders import bp
from app.orders.admin_actions import admin_actor, run_admin_action
from app.orders.models import Order
from app.orders.reports import bar_chart, sales_by_day
from app.orders.services import add_note, cancel_unpaid_order, deliver_order, order_by_number, ship_order
from app.orders.status import LABELS, STATUSES, can_transition

PAGE_SIZE = 50


def printable(text, limit):
    """Printable characters only, trimmed and cut to `limit`: a NUL would be a database error on
    PostgreSQL, and a control character has no business in a tracking number or a search."""
    return "".join(ch for ch in text if ch.isprintable()).strip()[:limit]


def parse_day(text):
    """A YYYY-MM-DD date, or None when empty; ValueError when it is not a date (or an absurd one)."""
    return parse_iso_day(text) if text else None


@bp.get("/admin/orders")
@admin_required
def admin_list():
    status = request.args.get("status", "")
    text = printable(request.args.get("q", ""), 100)
    page = request.args.get("page", "1")
    page = int(page) if page.isascii() and page.isdigit() and 0 < int(page) <= 10_000 else 1
    notice = ""
    try:
        start, end = parse_day(request.args.get("start", "")), parse_day(request.args.get("end", ""))
    except ValueError:
        start = end = None
        notice = "Dates are written like 2026-11-29; showing every date."
    if start and end and start > end:
        start, end = end, start
    query = select(Order).order_by(Order.created_at.desc(), Order.id.desc())
    if status in STATUSES:
        query = query.where(Order.status == status)
    if text:
        query = query.where(or_(Order.number == text.upper(), Order.email.contains(text.lower())))
    if start:
        query = query.where(Order.created_at >= datetime.combine(start, time.min, timezone.utc))
    if end:
        query = query.where(Order.created_at < datetime.combine(end + timedelta(days=1), time.min, timezone.utc))
    # One row more than a page tells whether there is a next page without counting every order.
    rows = db.session.execute(query.limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)).scalars().all()
    filters = {"status": status if status in STATUSES else "", "q": text,
               "start": start.isoformat() if start else "", "end": end.isoformat() if end else ""}
    return render_template("orders/admin_list.html", orders=rows[:PAGE_SIZE], labels=LABELS, statuses=STATUSES,
                           filters=filters, page=page, has_next=len(rows) > PAGE_SIZE, notice=notice,
                           status=filters["status"], q=text, chart=bar_chart(sales_by_day()))


@bp.get("/admin/orders/<number>")
@admin_required
def admin_detail(number):
    order = order_by_number(number)
    if order is None:
        abort(404)
    # A fresh key per rendering of the page: the refund it submits is made once, however often it is sent.
    return render_template("orders/admin_detail.html", order=order, labels=LABELS, can=can_transition,
                           refund_key=secrets.token_hex(16))


@bp.post("/admin/orders/<number>/ship")
@admin_required
def admin_ship(number):
    tracking = printable(request.form.get("tracking", ""), 100)
    note = printable(request.form.get("note", ""), 200)
    return run_admin_action(number, lambda: ship_order(number, actor=admin_actor(), tracking=tracking, note=note),
                            "Marked as shipped; the shopper is told.")


@bp.post("/admin/orders/<number>/deliver")
@admin_required
def admin_deliver(number):
    return run_admin_action(number, lambda: deliver_order(number, actor=admin_actor()), "Marked as delivered.")


@bp.post("/admin/orders/<number>/cancel")
@admin_required
def admin_cancel(number):
    return run_admin_action(number, lambda: cancel_unpaid_order(number, actor=admin_actor()), "Order cancelled; its stock is back on sale.")


@bp.post("/admin/orders/<number>/note")
@admin_required
def admin_note(number):
    text = request.form.get("text", "").strip()[:2000]
    if not text:
        flash("Write the note first.", "error")
        return redirect(url_for("orders.admin_detail", number=number), 303)
    return run_admin_action(number, lambda: add_note(number, actor=admin_actor(), text=text), "Note added.")
