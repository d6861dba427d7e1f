"""The admin's users: a searchable list, one account's page (its orders and audit trail), and the
buttons that grant or remove admin and deactivate or reactivate the account."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from app.admin import bp
from app.admin.audit import actions_for
from app.admin.forms import ConfirmForm
from app.auth.account_admin import (AccountAdminError, deactivate_account, find_users, grant_admin,
                                    reactivate_account, revoke_admin)
from app.auth.decorators import admin_required
from app.auth.models import User
from app.extensions import db
from app.orders.models import Order
from app.orders.status import LABELS

ORDERS_SHOWN = 100
ACTIONS = {
    "grant-admin": (grant_admin, "{email} is now an admin."),
    "revoke-admin": (revoke_admin, "{email} is no longer an admin."),
    "deactivate": (deactivate_account, "{email} is deactivated: logged out everywhere and cannot log in."),
    "reactivate": (reactivate_account, "{email} can log in again."),
}


def _user_or_404(user_id):
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.get("/users")
@admin_required
def users():
    text = "".join(ch for ch in request.args.get("q", "") if ch.isprintable()).strip()[:100]
    return render_template("admin/users.html", users=find_users(text), q=text)


@bp.get("/users/<int:user_id>")
@admin_required
def user_detail(user_id):
    user = _user_or_404(user_id)
    orders = db.session.execute(
        select(Order).where(Order.user_id == user.id).order_by(Order.created_at.desc(), Order.id.desc())
        .limit(ORDERS_SHOWN)).scalars().all()
    return render_template("admin/user_detail.html", user=user, orders=orders, labels=LABELS,
                           confirm=ConfirmForm(), actions=actions_for("user", user.id))


@bp.post("/users/<int:user_id>/<action>")
@admin_required
def user_action(user_id, action):
    if action not in ACTIONS or not ConfirmForm().validate():
        abort(400 if action in ACTIONS else 404)
    user = _user_or_404(user_id)
    change, done = ACTIONS[action]
    try:
        change(current_user._get_current_object(), user)
    except AccountAdminError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        flash(done.format(email=user.email), "success")
    return redirect(url_for("admin.user_detail", user_id=user_id), 303)
