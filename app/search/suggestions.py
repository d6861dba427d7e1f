"""As-you-type suggestions: a few products for the text in the header box, Whoosh first, the database
when the index cannot answer."""
import logging
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.catalog.models import Product
from app.extensions import db
from app.search.highlight import highlight_name
from app.search.query import MAX_QUERY_CHARS, parse_text
from app.search.results import SearchQuery
from app.search.whoosh_backend import IndexUnavailable, suggest_products

log = logging.getLogger(__name__)

SUGGESTIONS = 8


@dataclass
class Suggestion:
    product: Product
    name_html: str  # escaped, with <mark>


def find_suggestions(text, index_dir=None, limit=SUGGESTIONS):
    text = (text or "")[:MAX_QUERY_CHARS]
    if not text.strip():
        return []
    index_dir = index_dir or current_app.config["SEARCH_INDEX_DIR"]
    try:
        ids, built = suggest_products(index_dir, text, limit=limit)
        stems, prefix = (built.stems, built.prefix) if built else (set(), None)
    except IndexUnavailable as error:
        log.warning("search index unavailable, suggesting from the database: %s", error)
        ids, stems, prefix = _database_suggestions(text, limit)
    if not ids:
        return []
    # By primary key only: "AND is_active" lets SQLite pick the (is_active, category) index and scan.
    # One query (joinedload): selectinload's second round trip cost more than the search itself.
    products = {p.id: p for p in db.session.execute(
        select(Product).where(Product.id.in_(ids)).options(joinedload(Product.images))
    ).unique().scalars() if p.is_active}
    return [Suggestion(products[i], highlight_name(products[i].name, stems, prefix)) for i in ids if i in products]


def _database_suggestions(text, limit):
    from app.search.database_backend import search_database

    result = search_database(SearchQuery(text=text, per_page=limit))
    words = parse_text(text).words
    return result.product_ids, {stem for _word, stem in words}, (words[-1][0] if words else None)
