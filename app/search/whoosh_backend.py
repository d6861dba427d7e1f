"""Whoosh search (first cut: not built yet, so every call falls back to the database)."""
from app.search.results import SearchQuery, SearchResult


class IndexUnavailable(Exception):
    """The index is missing, broken or being rebuilt; callers fall back to the database."""


def search_index(index_dir, query: SearchQuery) -> SearchResult:
    raise IndexUnavailable("the Whoosh index is not built yet")
