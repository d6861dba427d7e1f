"""What an anonymous visitor gets from a login_required page. A plain request is redirected to /login
with `next`; an htmx request gets 401 with HX-Redirect, so htmx loads the login page as a whole page
instead of swapping it into the fragment's target (which is what following the 302 would do)."""
from flask import flash, make_response, redirect, request, url_for

from app.htmx import add_vary, is_htmx_request
from app.ops.security import path_on_this_host


def _return_path():
    if is_htmx_request():
        # The fragment endpoint is not where the shopper was; the page that made the request is.
        return path_on_this_host(request.headers.get("HX-Current-URL"), request.host)
    return request.full_path.rstrip("?") if request.method == "GET" else None


def handle_unauthorized():
    login_url = url_for("auth.login", next=_return_path())
    if is_htmx_request():
        response = make_response("", 401)
        response.headers["HX-Redirect"] = login_url
        return add_vary(response)
    flash("Please log in to see that page.", "info")
    return add_vary(redirect(login_url))
