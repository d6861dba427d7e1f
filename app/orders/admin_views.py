"""The admin's orders: a list with a sales chart, one order with its lines, payments and history, and the
actions the status machine allows (ship, deliver, cancel an unpaid order, add a note). Capture, void and
refund talk to the gateway and live in app.payments.views."""
from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import or_, select

from app.auth.decorators import admin_required
from app.extensions import db
from app.orders import bp
from app.orders.admin_actions import admin_actor, run_admin_action
from app.orders.models import Order
from app.orders.reports import bar_chart, sales_by_day
from app.orders.services import add_note, cancel_unpaid_order, deliver_order, order_by_number, ship_order
from app.orders.status import LABELS, STATUSES, can_transition

MAX_LISTED = 200


@bp.get("/admin/orders")
@admin_required
def admin_list():
    status = request.args.get("status", "")
    # Printable characters only: a NUL would be a database error on PostgreSQL, not a search.
    text = "".join(ch for ch in request.args.get("q", "") if ch.isprintable()).strip()[:100]
    query = select(Order).order_by(Order.created_at.desc(), Order.id.desc()).limit(MAX_LISTED)
    if status in STATUSES:
        query = query.where(Order.status == status)
    if text:
        query = query.where(or_(Order.number == text.upper(), Order.email.contains(text.lower())))
    orders = db.session.execute(query).scalars().all()
    return render_template("orders/admin_list.html", orders=orders, labels=LABELS, statuses=STATUSES,
                           status=status if status in STATUSES else "", q=text, chart=bar_chart(sales_by_day()))


@bp.get("/admin/orders/<number>")
@admin_required
def admin_detail(number):
    order = order_by_number(number)
    if order is None:
        abort(404)
    return render_template("orders/admin_detail.html", order=order, labels=LABELS, can=can_transition)


@bp.post("/admin/orders/<number>/ship")
@admin_required
def admin_ship(number):
    note = request.form.get("note", "").strip()[:200]
    return run_admin_action(number, lambda: ship_order(number, actor=admin_actor(), note=note), "Marked as shipped; the shopper is told.")


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
