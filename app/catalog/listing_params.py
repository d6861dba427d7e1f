"""Turning the listing's query string into a bounded SearchQuery, and back into URLs.

The URL is the whole state of a listing or search page (bookmarkable, shareable, Back/Forward work), so
every parameter is parsed leniently: a bad value never fails the page, it is dropped or clamped and the
shopper is told what happened in a notice.
"""
import re
from dataclasses import dataclass, field, replace

from app.money import InvalidAmount, parse_money, to_decimal
from app.search.query import MAX_QUERY_CHARS
from app.search.results import SORTS, SearchQuery

MAX_PAGE = 10_000  # deeper than anyone pages; keeps OFFSET and integers small
MAX_PRICE = 2_147_483_647  # the largest value the price column can hold
TRUTHY = {"1", "true", "on", "yes"}
# Control characters (NUL above all: PostgreSQL refuses it in text) are never part of a search.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
SORT_LABELS = {
    "relevance": "Best match",
    "newest": "Newest",
    "price_asc": "Price: low to high",
    "price_desc": "Price: high to low",
    "name": "Name",
}


@dataclass
class ListingState:
    query: SearchQuery
    notices: list[str] = field(default_factory=list)

    @property
    def shown_sort(self):
        """The sort the page is in: "relevance" without text means newest."""
        return "newest" if self.query.sort == "relevance" and not self.query.text else self.query.sort

    @property
    def min_price_text(self):
        return "" if self.query.min_price is None else price_text(self.query.min_price)

    @property
    def max_price_text(self):
        return "" if self.query.max_price is None else price_text(self.query.max_price)

    @property
    def sort_choices(self):
        names = SORTS if self.query.text else [s for s in SORTS if s != "relevance"]
        return [(name, SORT_LABELS[name]) for name in names]

    def url_args(self, **changes):
        """Query-string arguments for this state with `changes` applied; defaults are left out so the
        URLs stay short. Any change other than the page goes back to page 1."""
        if changes and "page" not in changes:
            changes["page"] = 1
        query = replace(self.query, **changes)
        args = {}
        if query.text:
            args["q"] = query.text
        if query.category:
            args["category"] = query.category
        if query.min_price is not None:
            args["min_price"] = price_text(query.min_price)
        if query.max_price is not None:
            args["max_price"] = price_text(query.max_price)
        if query.in_stock:
            args["in_stock"] = "1"
        if query.sort not in {"relevance", "newest" if not query.text else "relevance"}:
            args["sort"] = query.sort
        if query.page > 1:
            args["page"] = query.page
        if query.exact and query.text:
            args["exact"] = "1"
        return args


def price_text(minor):
    """2500 -> "25", 2549 -> "25.49": what the price boxes show and what the URLs carry."""
    value = to_decimal(minor)
    return str(int(value)) if value == value.to_integral_value() else f"{value:.2f}"


def clean_text(raw):
    text = " ".join(CONTROL_CHARACTERS.sub(" ", raw).split())
    return text


def parse_listing_args(args, category_slugs, per_page):
    """`args` is a MultiDict (request.args); repeated parameters use the first value."""
    notices = []

    raw_text = clean_text(args.get("q", ""))
    text = raw_text[:MAX_QUERY_CHARS].strip()
    if len(raw_text) > MAX_QUERY_CHARS:
        notices.append(f"Your search was too long, so only its first {MAX_QUERY_CHARS} characters were used.")

    category = clean_text(args.get("category", "")) or None
    if category is not None and category not in category_slugs:
        notices.append(f"There is no category “{category[:80]}”, so all categories are shown.")
        category = None

    min_price = _parse_price(args.get("min_price", ""), "minimum", notices)
    max_price = _parse_price(args.get("max_price", ""), "maximum", notices)
    if min_price is not None and max_price is not None and min_price > max_price:
        min_price, max_price = max_price, min_price
        notices.append("The minimum price was above the maximum, so the two were swapped.")

    in_stock = args.get("in_stock", "").strip().lower() in TRUTHY
    exact = bool(text) and args.get("exact", "").strip().lower() in TRUTHY

    sort = args.get("sort", "").strip() or ("relevance" if text else "newest")
    if sort not in SORTS:
        notices.append("That sort order is not available, so the default order is used.")
        sort = "relevance" if text else "newest"

    page = _parse_page(args.get("page", ""), notices)

    query = SearchQuery(text=text, category=category, min_price=min_price, max_price=max_price,
                        in_stock=in_stock, sort=sort, page=page, per_page=per_page, exact=exact)
    return ListingState(query=query, notices=notices)


def _parse_price(raw, which, notices):
    raw = clean_text(raw)
    if not raw:
        return None
    try:
        value = parse_money(raw)
    except InvalidAmount:
        notices.append(f"“{raw[:40]}” is not a price, so the {which} price was ignored.")
        return None
    if value < 0:
        notices.append(f"Prices cannot be negative, so the {which} price was ignored.")
        return None
    return min(value, MAX_PRICE)


def _parse_page(raw, notices):
    raw = raw.strip()
    if not raw:
        return 1
    try:
        page = int(raw)
    except ValueError:
        notices.append(f"“{raw[:20]}” is not a page number, so page 1 is shown.")
        return 1
    if page < 1:
        notices.append("Page numbers start at 1, so page 1 is shown.")
        return 1
    return min(page, MAX_PAGE)
