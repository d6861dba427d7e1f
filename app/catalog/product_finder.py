"""Finding products for the listing and the header box: the search index for text, the database for
browsing, and the database whenever the index cannot answer (logged, never a 500)."""
import logging
from dataclasses import dataclass

from flask import current_app
from markupsafe import Markup

from app.catalog.browse import browse_products
from app.catalog.models import Product
from app.catalog.queries import products_in_order
from app.search.highlight import highlight_name, highlight_product
from app.search.index_store import IndexUnavailable
from app.search.query import MAX_QUERY_CHARS, completes, parse_text
from app.search.results import HighlightTerms, SearchQuery, SearchResult, Suggestions
from app.search.whoosh_backend import search_index, suggest_products

log = logging.getLogger(__name__)

SUGGESTIONS = 8
MAX_BRAND_ROWS = 2
MAX_CATEGORY_ROWS = 2


def find_products(query: SearchQuery, categories=None, as_of=None) -> SearchResult:
    """`categories`: (id, slug) pairs, when the caller has them; `as_of`: the catalog change id the
    caller has seen (the index catches up to it first when it can)."""
    if query.text:
        try:
            return search_index(current_app.config["SEARCH_INDEX_DIR"], query, as_of)
        except IndexUnavailable as error:
            log.warning("search index unavailable, using the database: %s", error)
    return browse_products(query, categories)


def card_highlights(products, terms):
    """{product id: {"name": Markup, "snippet": Markup}} for the cards of a text search, cut from the
    rows the page has already loaded."""
    if terms is None:
        return {}
    return {product.id: highlight_product(product.name, product.description, terms) for product in products}


@dataclass
class Suggestion:
    product: Product
    name_html: Markup  # escaped, with <mark>


def find_suggestions(text, limit=SUGGESTIONS, as_of=None):
    """(Suggestion list, the index watermark that answered or None) for text typed in the header box."""
    text = (text or "")[:MAX_QUERY_CHARS]
    if not text.strip():
        return [], None
    try:
        found = suggest_products(current_app.config["SEARCH_INDEX_DIR"], text, limit=limit, as_of=as_of)
    except IndexUnavailable as error:
        log.warning("search index unavailable, suggesting from the database: %s", error)
        result = browse_products(SearchQuery(text=text, per_page=limit))
        words = parse_text(text).words
        found = Suggestions(result.product_ids, HighlightTerms(result.highlight_terms.stems,
                                                               words[-1][0] if words else None))
    terms = found.highlight_terms
    suggestions = [Suggestion(product, Markup(highlight_name(product.name, terms.stems, terms.prefix)))
                   for product in products_in_order(found.product_ids)]
    return suggestions, found.index_watermark


@dataclass
class Completion:
    """A brand or category row above the product suggestions: the brand's search, the category page."""
    kind: str  # "brand" or "category"
    label: str
    key: str  # stable, for the row's id: the category slug, the brand's folded words
    name_html: Markup  # escaped, with <mark>


def find_completions(text, suggestions, categories, terms=None):
    """Brand rows (from the suggested products' brands) and category rows (from every category) whose
    names complete the typed text ("pum" -> Puma, "kurt" -> Kurtas). `categories`: (id, slug, name, ...)
    rows. Brands first, then categories, a few of each."""
    text = (text or "")[:MAX_QUERY_CHARS]
    if not text.strip():
        return []
    if terms is None:
        parsed = parse_text(text)
        terms = HighlightTerms(frozenset(t for _w, t in parsed.words),
                               parsed.words[-1][0] if parsed.words and parsed.last_is_partial else None)
    stems, prefix = terms.stems, terms.prefix
    rows, brands = [], {}
    for suggestion in suggestions:
        brand = suggestion.product.brand
        key = "-".join(w for w, _t in parse_text(brand or "").words)
        if key and key not in brands and completes(text, brand):
            brands[key] = brand  # "L'Oréal Paris" and "L'Oreal Paris" are one row
    for key, brand in list(brands.items())[:MAX_BRAND_ROWS]:
        rows.append(Completion("brand", brand, key, Markup(highlight_name(brand, stems, prefix))))
    matched = [row for row in categories if completes(text, row[2])]
    matched.sort(key=lambda row: not completes(text, row[2].split()[0] if row[2].split() else ""))  # first word first
    matched = matched[:MAX_CATEGORY_ROWS]
    for row in matched:
        rows.append(Completion("category", row[2], row[1], Markup(highlight_name(row[2], stems, prefix))))
    return rows
