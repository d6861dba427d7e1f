"""HTML that every shopper can share, with the shopper's own parts filled in per request.

A catalog page is the same for everybody except a few small parts: the CSRF token (in the page's
htmx headers and every add-to-cart form), the forms' return path, the account links with the cart
badge, the "confirm your email" banner and the flashed messages. `render_shared()` renders a template
with a slot marker where each of those goes; the result, split at the markers (`split_shared()`), can be
cached and served to anyone, because `fill_shopper_slots()` joins the pieces with the values of the
shopper of the current request (each slot part rendered once, and only when there is something to show). A marker starts with "<", which autoescaping turns into
"&lt;" in anything that comes from data, so no product name or query text can ever forge one.

Conditional GET: `shared_response()` gives an anonymous shopper's page a weak ETag made of the page's
cache key and the shopper's own state (session token, cart count, return path); a revalidation that
matches gets 304 without filling anything.
"""
import hashlib
import re
import time
from contextlib import contextmanager

from flask import current_app, g, make_response, render_template, request, session
from flask_login import current_user
from markupsafe import Markup, escape

_SLOT = "<!--shopper:{}-->"
_SLOT_PATTERN = re.compile(rb"<!--shopper:([a-z_]+)-->")
# The per-shopper parts of the layout (templates/base.html): slot name -> the partial that renders it.
LAYOUT_PARTS = {
    "account_nav": "partials/layout/account_nav.html",
    "verify_banner": "partials/layout/verify_banner.html",
    "flashes": "partials/flash.html",
}
_values = {}  # slot name -> function giving the shopper's value (str: escaped when filled; Markup: as is)
_anonymous_states = {}  # layout part -> function giving all that the part shows an anonymous shopper


def in_shared_render():
    return g.get("shared_render", False)


@contextmanager
def shared_render():
    """Within it, the per-shopper template functions leave slot markers instead of values."""
    g.shared_render = True
    try:
        yield
    finally:
        g.shared_render = False


class ShopperValueInSharedPage(RuntimeError):
    """A shared render produced a value of the shopper's: it must not be cached for everybody."""


def render_shared(template, **context):
    token_field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    token_before = token_field in g  # Flask-WTF keeps the request's signed token in g once made
    with shared_render():
        html = render_template(template, **context)
    if token_field in g and not token_before:
        raise ShopperValueInSharedPage(f"{template} rendered a real CSRF token; use the slot-aware csrf_token()")
    return html


def per_shopper(name, compute):
    """A template function for a value that belongs to the shopper: compute() in a normal render, a
    slot marker (filled per request) in a shared one."""
    _values[name] = compute

    def template_function():
        return Markup(_SLOT.format(name)) if in_shared_render() else compute()

    template_function.__name__ = name
    return template_function


def remember_anonymous_part(name, state):
    """Render the layout part `name` once per value of state() for anonymous shoppers (whose part shows
    nothing else; e.g. the account links and the cart badge depend only on the cart's count)."""
    _anonymous_states[name] = state


def _layout_part(name):
    # Most visitors have no message waiting and no email to confirm: nothing to render.
    if name == "flashes" and not session.get("_flashes"):
        return Markup("")
    if name == "verify_banner" and not (current_user.is_authenticated and not current_user.is_verified):
        return Markup("")
    if name in _anonymous_states and not current_user.is_authenticated:
        rendered = current_app.extensions.setdefault("shop.anonymous_parts", {})
        key = (name, _anonymous_states[name]())
        if key not in rendered:
            rendered[key] = Markup(render_template(LAYOUT_PARTS[name]))
        return rendered[key]
    return Markup(render_template(LAYOUT_PARTS[name]))


def layout_part(name):
    """Template function: one of the layout's per-shopper parts (LAYOUT_PARTS)."""
    return Markup(_SLOT.format(name)) if in_shared_render() else _layout_part(name)


for _name in LAYOUT_PARTS:
    _values[_name] = lambda name=_name: _layout_part(name)


def split_shared(html: str):
    """Shared HTML as stored: a tuple of text pieces with the slot names between them (text, name,
    text, ..., text), so filling it is one join, with no search through the page per request."""
    pieces = _SLOT_PATTERN.split(html.encode())
    return tuple(piece.decode() if n % 2 else piece for n, piece in enumerate(pieces))


def _value(name):
    """The shopper's value for a slot, as bytes; computed once per request (a flash is shown once)."""
    values = request.environ.setdefault("shop.shopper_slot_values", {})  # per request, even in tests that
    # hold one app context (and so one `g`) across several requests
    if name not in values:
        computed = _values[name]()
        values[name] = str(computed if isinstance(computed, Markup) else escape(computed)).encode()
    return values[name]


def fill_shopper_slots(pieces) -> bytes:
    names = pieces[1::2]
    values = {name: _value(name) for name in set(names)}
    filled = list(pieces)
    filled[1::2] = [values[name] for name in names]
    return b"".join(filled)


def _anonymous_etag(page_key, pieces):
    """A validator for an anonymous shopper, or None: the page's cache key plus the shopper's values
    of every slot in the page. The CSRF token counts by its session secret, not its signed form (which
    changes every second but stays valid for the session, or for its time limit, part of the tag too)."""
    raw_token = session.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
    if current_user.is_authenticated or not raw_token:
        return None
    time_limit = current_app.config.get("WTF_CSRF_TIME_LIMIT")
    parts = [page_key.encode(), raw_token.encode(), str(int(time.time() // (time_limit / 2)) if time_limit else 0).encode()]
    parts += [_value(name) for name in sorted(set(pieces[1::2])) if name != "csrf_token"]
    return hashlib.sha256(b"|".join(parts)).hexdigest()[:32]


def shared_response(pieces, page_key, status=200):
    """The shared HTML with this shopper's parts filled in, revalidated by ETag for anonymous shoppers
    without a pending message. `page_key` must change whenever the shared HTML does (the catalog's
    keys hold its version)."""
    validated = request.method in ("GET", "HEAD") and status == 200 and not session.get("_flashes")
    etag = _anonymous_etag(page_key, pieces) if validated else None
    if etag and request.if_none_match.contains_weak(etag):
        response = make_response("", 304)
    else:
        response = make_response(fill_shopper_slots(pieces), status)
        if validated and etag is None:  # the fill may have started the session (the CSRF secret)
            etag = _anonymous_etag(page_key, pieces)
    if etag:
        response.set_etag(etag, weak=True)
    # Browsers may keep the page but must ask again (it holds this session's token); shared caches never.
    response.cache_control.private = True
    response.cache_control.no_cache = True
    return response
