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
from dataclasses import dataclass, field

from flask import request
from sqlalchemy import select, text

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
        # On every catalog request, so plain SQL on a connection of its own, without an ORM session or a
        # transaction (autocommit: no BEGIN and ROLLBACK round trips on PostgreSQL). Rows read later in the
        # request are as new as this version or newer: a page stored under it never shows less than it.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            row = connection.execute(NEWEST_CHANGE).first()
        version = request.environ["shop.catalog_version"] = (
            CatalogVersion(row[0], f"{row[0]}.{row[1]}") if row else CatalogVersion(0, "0"))
    return version


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
