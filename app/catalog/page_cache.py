"""Catalog pages rendered once per catalog version and shared by every shopper.

The catalog's version is the newest entry of its change log (every product and category write appends
one in the same transaction, app/catalog/services.py). Each request reads it once (one primary-key
lookup) and looks the page up under a key that contains it, so after an edit every worker and every
server misses at once and renders the new page: nothing stale is ever served, and nothing has to be
invalidated. The id and the entry's time together make the version, so a database that was reset and
counts its change ids from 1 again never meets its old pages in a shared (Redis) cache.

The HTML is rendered with app.ops.shared_html (per-shopper parts left as slots) and stored with
Flask-Caching: in each worker's memory by default, in Redis when CACHE_REDIS_URL is set, so several
servers share one cache.
"""
import threading
from dataclasses import dataclass, field

from flask import request
from sqlalchemy import event, select, text
from sqlalchemy.exc import DBAPIError

from app.catalog.models import Category, ProductChange
from app.extensions import cache, db
from app.ops.shared_html import shared_response, split_shared

NEWEST_CHANGE = text(f"SELECT id, created_at FROM {ProductChange.__tablename__} ORDER BY id DESC LIMIT 1")


@dataclass(frozen=True)
class CatalogVersion:
    change_id: int  # the newest change log id (0: no change yet)
    key: str  # what cache keys carry


@dataclass(frozen=True)
class SharedPage:
    pieces: tuple  # the HTML split at its shopper slots (app/ops/shared_html.split_shared)
    facts: dict = field(default_factory=dict)  # what the view needs besides the HTML (e.g. a result count)


def catalog_version():
    """The catalog's version, read once per request (kept in the request's environ, not in `g`, which
    outlives a request whenever an app context is held around several)."""
    version = request.environ.get("shop.catalog_version")
    if version is None:
        row = _newest_change()
        version = request.environ["shop.catalog_version"] = (
            CatalogVersion(row[0], f"{row[0]}.{row[1]}") if row else CatalogVersion(0, "0"))
    return version


# This query runs on every catalog request, most of which need no other: plain SQL, in autocommit, on a
# connection that the worker keeps for it. Taking one from the pool costs a ping (pool_pre_ping), and a
# transaction costs BEGIN and ROLLBACK: on PostgreSQL three round trips for a one-row answer. Only the
# main thread keeps one (gunicorn's sync workers serve there); a server with a thread per request takes
# one from the pool each time. A connection the server dropped is replaced once, at once. Rows read
# later in the request are as new as this version or newer: a page stored under it never shows less.
_held_connections = {}  # engine -> its connection, main thread only


def _newest_change():
    engine = db.engine
    if threading.current_thread() is not threading.main_thread():
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            return connection.execute(NEWEST_CHANGE).first()
    for attempt in (1, 2):
        connection = _held_connections.get(engine)
        if connection is None or connection.closed or connection.invalidated:
            connection = _held_connections[engine] = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            if not event.contains(engine, "engine_disposed", _close_held_connection):
                event.listen(engine, "engine_disposed", _close_held_connection)
        try:
            return connection.execute(NEWEST_CHANGE).first()
        except DBAPIError as error:
            _close_held_connection(engine)
            if attempt == 2 or not error.connection_invalidated:
                raise


def _close_held_connection(engine):
    """engine.dispose() (tests, a forked process): the kept connection goes with the pool."""
    connection = _held_connections.pop(engine, None)
    if connection is not None:
        connection.close()


def category_rows():
    """(id, slug, name, description) of every category in display order, read once per catalog version."""
    key = f"catalog:{catalog_version().key}:categories"
    rows = cache.get(key)
    if rows is None:
        rows = [tuple(row) for row in db.session.execute(
            select(Category.id, Category.slug, Category.name, Category.description)
            .order_by(Category.position, Category.name))]
        cache.set(key, rows)
    return rows


def shared_page(key, render):
    """The SharedPage for `key` (a string naming the page and everything it depends on besides the
    catalog) in this catalog version: from the cache, or render() -> (html, facts, storable) now, stored
    when `storable` (e.g. not when a search index had not caught up with this version yet)."""
    full_key = page_key(key)
    page = cache.get(full_key)
    if page is None:
        html, facts, storable = render()
        page = SharedPage(split_shared(html), facts)
        if storable:
            cache.set(full_key, page)
    return page


def page_key(key):
    return f"catalog:{catalog_version().key}:{key}"


def page_response(key, page, status=200):
    return shared_response(page.pieces, page_key(key), status)
