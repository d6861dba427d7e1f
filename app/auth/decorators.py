"""Access decorators for views."""
from functools import wraps

from flask import abort
from flask_login import current_user

from app.extensions import login_manager


def refuse_non_admin():
    """None for an admin; the login page for a visitor; 403 for a signed-in member."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.is_admin:
        abort(403)
    return None


def admin_required(view):
    """Anonymous visitors are sent to log in; signed-in non-admins get 403."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        refused = refuse_non_admin()
        if refused is not None:
            return refused
        return view(*args, **kwargs)

    return wrapped
