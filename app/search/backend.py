"""One entry point for finding products: the Whoosh index for text queries, the database for browsing,
and the database as the fallback whenever the index is missing or broken (logged, never a 500)."""
import logging

from flask import current_app

from app.search.database_backend import search_database
from app.search.results import SearchQuery, SearchResult
from app.search.whoosh_backend import IndexUnavailable, search_index

log = logging.getLogger(__name__)


def find_products(query: SearchQuery) -> SearchResult:
    if query.text:
        try:
            return search_index(current_app.config["SEARCH_INDEX_DIR"], query)
        except IndexUnavailable as error:
            log.warning("search index unavailable, using the database: %s", error)
    return search_database(query)
