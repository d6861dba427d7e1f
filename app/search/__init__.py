"""search domain."""
import logging

from flask import Blueprint

bp = Blueprint("search", __name__)

from app.search import suggest_views, views  # noqa: E402,F401


@bp.record_once
def _report_index_state(state):
    """Say at start-up when there is no usable index (cheap: one readlink, nothing is opened or built)."""
    from app.search.index_store import current_path

    index_dir = state.app.config["SEARCH_INDEX_DIR"]
    if current_path(index_dir) is None and not state.app.testing:
        logging.getLogger(__name__).warning(
            "no search index in %s: searches use the database until it exists; it is built on the first search "
            "for small catalogs, or run `flask search reindex`", index_dir)
