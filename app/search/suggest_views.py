"""GET /search/suggest?q=…: the suggestions fragment for the header box. It is an htmx-only view of the
search: a plain visit (no JavaScript, a bookmark) is sent to the full results page for the same text."""
from flask import make_response, redirect, render_template, request, url_for

from app.htmx import add_vary, is_fragment_request
from app.search import bp
from app.search.query import MAX_QUERY_CHARS
from app.search.suggestions import find_suggestions
from app.search.whoosh_backend import per_index_version


@bp.get("/search/suggest")
def suggest():
    text = request.args.get("q", "")[:MAX_QUERY_CHARS]
    if not is_fragment_request():
        return add_vary(redirect(url_for("search.results", q=text.strip()), 303))
    # The fragment holds nothing of the shopper's (no form, no token, no cart), only products from the
    # index, so it is rendered once per text and index version: each keystroke that someone has
    # typed before costs a dictionary lookup.
    html = per_index_version(("suggest-fragment", text), lambda: render_template(
        "partials/search/suggestions.html", query=text.strip(), suggestions=find_suggestions(text)))
    return add_vary(make_response(html))
