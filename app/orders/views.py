"""A shopper's orders: the history of a member, and one order's page (for its owner, or for anyone holding
the signed link from the confirmation email). Someone else's order is a 404, like one that does not exist."""
from flask import abort, request
from flask_login import current_user, login_required

from app.extensions import login_manager
from app.htmx import render
from app.orders import bp
from app.orders.links import key_opens
from app.orders.services import order_by_number, orders_of_user
from app.orders.status import LABELS


@bp.get("/orders")
@login_required
def history():
    return render("orders/history.html", "partials/orders/list.html", orders=orders_of_user(current_user.id),
                  labels=LABELS)


@bp.get("/orders/<number>")
def detail(number):
    key = request.args.get("key")
    if not key and not current_user.is_authenticated:
        return login_manager.unauthorized()  # a member's link: log in first (whether or not the order exists)
    order = order_by_number(number)
    own = order is not None and current_user.is_authenticated and order.user_id == current_user.id
    if not (own or key_opens(order, key)):
        abort(404)
    return render("orders/detail.html", "partials/orders/detail.html", order=order, labels=LABELS)
