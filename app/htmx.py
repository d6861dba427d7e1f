"""htmx request detection and the one-partial-two-users render helper.

A *fragment request* is one that htmx made to swap part of the page: `HX-Request: true` without
`HX-Boosted` (a boosted link wants the whole page) and without `HX-History-Restore-Request` (a history
miss wants the whole page too). Every response whose body depends on that sends `Vary: HX-Request`, so
no cache hands a fragment to a full-page visit or the other way round.
"""
from flask import make_response, redirect, render_template, request


def is_htmx_request():
    return request.headers.get("HX-Request") == "true"


def is_fragment_request():
    return (
        is_htmx_request()
        and request.headers.get("HX-Boosted") != "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def add_vary(response):
    response.vary.add("HX-Request")
    return response


def render(page, partial, status=200, **context):
    """Render `partial` alone for a fragment request, else the full `page` (which includes `partial`)."""
    template = partial if is_fragment_request() else page
    response = make_response(render_template(template, **context), status)
    return add_vary(response)


def see_other(url):
    """After a successful POST (or a step that sends the shopper elsewhere): 303 for a plain request; for
    htmx, 204 with HX-Redirect, so htmx loads `url` as a whole page instead of swapping it into a target."""
    if is_htmx_request():
        response = make_response("", 204)
        response.headers["HX-Redirect"] = url
        return add_vary(response)
    return add_vary(redirect(url, 303))
