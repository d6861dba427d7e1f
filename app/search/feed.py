"""What the search engine needs from whoever owns the products: the rows to index and the change log to
follow. The catalog provides it (app/catalog/search_feed.py) and create_app hands it to init_search, so
this package never imports the catalog: search answers "which product ids, in what order, with which
facet counts", and the catalog owns the products, their pages and their rows."""
from collections import namedtuple
from typing import Iterable, Protocol

from flask import current_app

# A product as the index sees it (a plain, picklable tuple: rebuild workers are forked with a list of them).
IndexRow = namedtuple("IndexRow", "id sku name brand description price stock created_at category_slug category_name")
# One entry of the change log; product_id is None for a change that touches no indexed product.
Change = namedtuple("Change", "id product_id created_at")


class ProductFeed(Protocol):
    def latest_change_id(self) -> int:
        """The newest change log id (0 when empty)."""

    def changes_after(self, change_id: int, limit: int) -> list[Change]:
        """Up to `limit` changes with a larger id, oldest first."""

    def rows(self, ids: Iterable[int] | None = None) -> list[IndexRow]:
        """The active products (only those with these ids, when given), ordered by id."""

    def active_count(self) -> int:
        """How many active products there are."""

    def end_read(self) -> None:
        """End the current read transaction (before a long build)."""


def product_feed() -> ProductFeed:
    """The feed init_search registered for this app."""
    return current_app.extensions["search.feed"]
