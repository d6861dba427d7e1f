"""The contract between search back ends (the Whoosh index, and the database fallback used when the
index is missing or broken) and the pages that show results. Both return these types."""
from dataclasses import dataclass, field

SORTS = ("relevance", "price_asc", "price_desc", "newest", "name")

# The price facet's ranges, (label, min, max) in minor units, both ends inclusive; every back end uses them.
PRICE_BUCKETS = (
    ("Under $25", None, 2499),
    ("$25 to $50", 2500, 4999),
    ("$50 to $100", 5000, 9999),
    ("$100 to $250", 10000, 24999),
    ("$250 and up", 25000, None),
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


@dataclass(frozen=True)
class PriceBucket:
    label: str  # "Under $25"
    min_price: int | None  # minor units, inclusive
    max_price: int | None  # minor units, inclusive
    count: int


@dataclass
class SearchResult:
    product_ids: list[int]  # this page, in display order
    total: int  # matches over all pages
    category_counts: dict[str, int] = field(default_factory=dict)  # slug -> count (before the category filter)
    price_buckets: list[PriceBucket] = field(default_factory=list)
    highlights: dict[int, dict[str, str]] = field(default_factory=dict)  # id -> {"name": html, "snippet": html}
    corrected_text: str | None = None  # "Did you mean ..." when the query found nothing or little
    backend: str = "whoosh"  # or "database" for the fallback
