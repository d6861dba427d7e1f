"""search domain: the product search engine, a Whoosh index kept in step with the catalog's change log.

It has no pages and imports nothing of the catalog. The catalog asks it which products match, in what
order, with which facet counts (whoosh_backend.search_index, suggest_products), and gives it the
product rows and the change log through a ProductFeed (feed.py) that create_app hands to init_search.
"""
import logging

from app.search.index_store import current_path
from app.search.whoosh_internals import check_whoosh_version, install_length_lookup_cache


def init_search(app, feed):
    """Check the Whoosh version our internals were verified against (refusing to start otherwise),
    install the writer fix, remember the feed, and say when there is no usable index (one readlink;
    nothing is opened or built at start-up)."""
    check_whoosh_version()
    install_length_lookup_cache()
    app.extensions["search.feed"] = feed
    index_dir = app.config["SEARCH_INDEX_DIR"]
    if current_path(index_dir) is None and not app.testing:
        logging.getLogger(__name__).warning(
            "no search index in %s: searches use the database until it exists; it is built on the first search "
            "for small catalogs, or run `flask search reindex`", index_dir)
