"""The listing page (/products, category pages) and the search results page (/search) are one page:
the same parameters, the same results region, the same template. This module renders it for either
URL, once per catalog version and query (app/catalog/page_cache.py)."""
import hashlib
import math
from dataclasses import dataclass
from urllib.parse import urlencode

from flask import current_app, request, url_for

from app.analytics.tracking import track
from app.catalog.listing_params import parse_listing_args
from app.catalog.page_cache import catalog_version, category_rows, page_response, shared_page
from app.catalog.product_finder import card_highlights, find_products
from app.catalog.queries import products_in_order
from app.htmx import add_vary, is_fragment_request
from app.money import format_money
from app.ops.shared_html import render_shared


RESULTS_PARTIAL = "partials/catalog/results.html"
PAGE_WINDOW = 2  # page links shown either side of the current one


@dataclass(frozen=True)
class Pagination:
    page: int
    per_page: int
    total: int

    @property
    def pages(self):
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def first_item(self):
        return (self.page - 1) * self.per_page + 1

    @property
    def last_item(self):
        return min(self.total, self.page * self.per_page)

    @property
    def beyond_last(self):
        return self.page > self.pages

    def window(self):
        """Page numbers to link, with None where a gap is: [1, None, 4, 5, 6, 7, 8, None, 20]."""
        shown = {1, self.pages} | set(range(self.page - PAGE_WINDOW, self.page + PAGE_WINDOW + 1))
        numbers = sorted(n for n in shown if 1 <= n <= self.pages)
        result = []
        for number in numbers:
            if result and number - result[-1] > 1:
                result.append(None)
            result.append(number)
        return result


@dataclass(frozen=True)
class CategoryView:
    id: int
    slug: str
    name: str
    description: str


def render_listing(page_template, endpoint):
    """Parse the query string, then serve the page (or, for htmx, the results region) from the page
    cache, rendering it on a miss; record the search; fill in the shopper's parts."""
    categories = [CategoryView(*row) for row in category_rows()]
    state = parse_listing_args(request.args, {c.slug for c in categories}, current_app.config["PRODUCTS_PER_PAGE"])
    fragment = is_fragment_request()
    # Everything the HTML depends on besides the catalog: the canonical state and the notices (which
    # quote what was typed).
    key = "listing:{}:{}:{}:{}".format(endpoint, "fragment" if fragment else "page", urlencode(state.url_args()),
                                       hashlib.sha256("\n".join(state.notices).encode()).hexdigest()[:16])
    page = shared_page(key, lambda: _render(page_template, endpoint, state, categories, fragment))
    if state.query.text and state.query.page == 1:
        record_search(state.query.text, page.facts["total"])
    response = add_vary(page_response(key, page))
    if fragment:
        # The form sends every field, empty ones too; the address bar gets the short canonical URL.
        response.headers["HX-Push-Url"] = url_for(endpoint, **state.url_args())
    return response


def _render(page_template, endpoint, state, categories, fragment):
    version = catalog_version()
    result = find_products(state.query, [(c.id, c.slug) for c in categories], as_of=version.change_id)
    products = products_in_order(result.product_ids)
    pagination = Pagination(state.query.page, state.query.per_page, result.total)
    if result.total and pagination.beyond_last:
        state.notices.append(f"There is no page {state.query.page}: the results end at page {pagination.pages}.")
    current_category = next((c for c in categories if c.slug == state.query.category), None)
    html = render_shared(
        RESULTS_PARTIAL if fragment else page_template,
        endpoint=endpoint, state=state, query=state.query, result=result, products=products,
        highlights=card_highlights(products, result.highlight_terms), pagination=pagination,
        categories=categories, current_category=current_category, search_text=state.query.text,
    )
    # An answer from an index that had not caught up with this version is shown, but not kept.
    storable = result.index_watermark is None or result.index_watermark >= version.change_id
    return html, {"total": result.total}, storable


def record_search(text, total):
    """A search is counted each time the first page of results is shown for a non-empty query (so paging
    through results does not count again; a changed filter or sort is a new question and does). The
    event is queued and written with others (app.analytics.tracking.track); analytics never
    breaks the page."""
    track("search", {"query": text, "results": total})


def price_range(bucket, currency=None):
    """A price bucket's label: "Under $25", "$25 to $50", "$250 and up" (its bounds are inclusive, so
    the label names the next bound up)."""
    currency = currency or current_app.config["CURRENCY"]

    def amount(minor):
        return format_money(minor, currency, whole_if_round=True)

    if bucket.min_price is None:
        return f"Under {amount(bucket.max_price + 1)}"
    if bucket.max_price is None:
        return f"{amount(bucket.min_price)} and up"
    return f"{amount(bucket.min_price)} to {amount(bucket.max_price + 1)}"
