"""admin domain: the pages admins run the shop with, and the audit trail of what they did.

Every route of this blueprint needs an admin (checked once here, before any view runs, and again by
`admin_required` on each view so a view moved elsewhere keeps its guard). Admin pages of other domains
(orders, payments) live with their domain and carry `admin_required`; tests/admin/test_access.py walks
the whole URL map and proves every /admin route refuses visitors and members.
"""
from flask import Blueprint

from app.ops.private_pages import mark_private

bp = mark_private(Blueprint("admin", __name__, url_prefix="/admin"))  # one visitor's pages: never stored


@bp.before_request
def _admins_only():
    from app.auth.decorators import refuse_non_admin

    return refuse_non_admin()


@bp.app_template_global()
def admin_nav_links():
    from app.admin.navigation import ADMIN_NAV

    return ADMIN_NAV


from app.admin import (  # noqa: E402,F401
    categories, dashboard_views, import_export, mail_views, product_images, products, upload_limits, users, views)
