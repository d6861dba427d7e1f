"""The admin's front page: where to go, and the latest actions of every admin."""
from flask import render_template

from app.admin import bp
from app.admin.audit import recent_actions
from app.auth.decorators import admin_required


@bp.get("/")
@admin_required
def home():
    return render_template("admin/home.html", actions=recent_actions(50))
