"""How an admin's order action answers: back to the order's admin page with what happened, or why not
(a domain error's message). Shared by the order actions here and the payment actions in app.payments."""
from flask import flash, redirect, url_for
from flask_login import current_user

from app.orders.status import OrderError


def admin_actor():
    return f"admin:{current_user.id}"


def run_admin_action(number, action, done):
    try:
        action()
    except OrderError as error:
        flash(str(error), "error")
    else:
        flash(done, "success")
    return redirect(url_for("orders.admin_detail", number=number), 303)
