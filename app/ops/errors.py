"""Error pages: a full page for a normal request, a small alert fragment for htmx (retargeted to the
page's alerts region, so a failed swap never replaces the thing the shopper was working on)."""
import logging

from flask import make_response, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError

from app.htmx import add_vary, is_fragment_request

log = logging.getLogger(__name__)

MESSAGES = {
    400: ("Bad request", "We could not understand that request."),
    403: ("Forbidden", "You do not have access to this page."),
    404: ("Page not found", "We could not find that page. It may have moved, or the product is no longer sold."),
    405: ("Method not allowed", "That action is not available here."),
    413: ("Too large", "That upload is too large."),
    429: ("Too many requests", "You have tried that too many times. Please wait a minute and try again."),
    500: ("Something went wrong", "Sorry, something went wrong on our side. Please try again."),
    503: ("Unavailable", "The shop is temporarily unavailable. Please try again shortly."),
}
CSRF_MESSAGE = ("Session expired", "Your form expired or was sent from elsewhere. Please reload the page and try again.")


def render_error(code, title, message):
    if is_fragment_request():
        body = render_template("partials/errors/alert.html", code=code, title=title, message=message)
        response = add_vary(make_response(body, code))
        response.headers["HX-Retarget"] = "#alerts"
        response.headers["HX-Reswap"] = "innerHTML"
        return response
    body = render_template("errors/error.html", code=code, title=title, message=message)
    return add_vary(make_response(body, code))


def register_error_pages(app):
    @app.errorhandler(SecurityError)
    def untrusted_host(error):
        # A Host header outside TRUSTED_HOSTS: no URL adapter exists for it, so no page that builds links
        # can be rendered. A short plain answer, which also gives a scanner nothing to work with.
        response = make_response("Bad request: this host is not served here.\n", 400)
        response.mimetype = "text/plain"
        return response

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400, *CSRF_MESSAGE)

    @app.errorhandler(HTTPException)
    def http_error(error):
        if error.code is None or error.code < 400:
            return error
        title, message = MESSAGES.get(error.code, (error.name, error.description))
        response = render_error(error.code, title, message)
        valid_methods = getattr(error, "valid_methods", None)
        if error.code == 405 and valid_methods:
            response.headers["Allow"] = ", ".join(valid_methods)
        return response

    @app.errorhandler(InternalServerError)
    def server_error(error):
        return render_error(500, *MESSAGES[500])

    @app.errorhandler(Exception)
    def unhandled(error):
        log.exception("unhandled error")
        return render_error(500, *MESSAGES[500])
