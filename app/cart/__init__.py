"""cart domain: the database cart of guests and members, merged at login."""
from flask import Blueprint
from flask_login import user_logged_in

from app.ops.private_pages import mark_private

bp = mark_private(Blueprint("cart", __name__))  # every page belongs to one visitor: never stored

from app.cart import views  # noqa: E402,F401
from app.cart.identity import badge_count  # noqa: E402
from app.cart.services import add_offer  # noqa: E402
from app.ops.shared_html import remember_anonymous_part  # noqa: E402

bp.add_app_template_global(add_offer, "add_offer")
# A guest's header (log in, register, the badge) differs only by the number of items in the cart.
remember_anonymous_part("account_nav", badge_count)


@bp.record_once
def connect_login_merge(state):
    # Every login goes through flask_login.login_user, which sends user_logged_in with the app as sender.
    user_logged_in.connect(views.merge_cart_on_login, sender=state.app)
