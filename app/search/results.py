"""The contract between the search engine and its caller (the catalog's listing and suggestions): the
question (SearchQuery) and the answer (SearchResult: which product ids, in what order, how many, with
which facet counts and which terms to highlight). The catalog's database listing returns the same
types, so the page does not care who answered."""
from dataclasses import dataclass, field

SORTS = ("relevance", "price_asc", "price_desc", "newest", "name")

# The price facet's ranges, (min, max) in minor units, both ends inclusive, in order and without gaps
# (a test checks); every back end counts them, the catalog labels them (app/money.py formats amounts).
PRICE_BUCKETS = (
    (None, 2499),
    (2500, 4999),
    (5000, 9999),
    (10000, 24999),
    (25000, None),
)


@dataclass(frozen=True)
class SearchQuery:
    """What the shopper asked for; every field is already parsed and bounded by the view."""

    text: str = ""  # free text; "" means browse (no relevance)
    category: str | None = None  # category slug
    min_price: int | None = None  # minor units, inclusive
    max_price: int | None = None  # minor units, inclusive
    in_stock: bool = False  # only products with stock > 0
    sort: str = "relevance"  # one of SORTS; "relevance" without text means newest
    page: int = 1
    per_page: int = 24
    exact: bool = False  # search the words as typed: no spelling corrections, splits or completions


@dataclass(frozen=True)
class PriceBucket:
    min_price: int | None  # minor units, inclusive
    max_price: int | None  # minor units, inclusive
    count: int


@dataclass(frozen=True)
class HighlightTerms:
    """What to mark in a product's name and description (app/search/highlight.py): the analysed stems
    searched for, and the word being typed (as-you-type only)."""

    stems: frozenset = frozenset()
    prefix: str | None = None


@dataclass
class SearchResult:
    product_ids: list[int]  # this page, in display order
    total: int  # matches over all pages
    category_counts: dict[str, int] = field(default_factory=dict)  # slug -> count (before the category filter)
    price_buckets: list[PriceBucket] = field(default_factory=list)
    highlight_terms: HighlightTerms | None = None  # None: nothing to highlight (no text)
    corrected_text: str | None = None  # "Did you mean ...": a query that finds more than this one
    showing_for: str | None = None  # "Showing results for ...": the corrected words these results came from
    backend: str = "whoosh"  # or "database"
    index_watermark: int | None = None  # the last change the answering index had applied (None: the database)


@dataclass
class Suggestions:
    product_ids: list[int]  # best first
    highlight_terms: HighlightTerms
    index_watermark: int | None = None
