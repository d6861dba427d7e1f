"""The listing page (/products, category pages) and the search results page are one page: the same
parameters, the same results region, the same template. This module renders it for either URL."""
import logging
import math
from dataclasses import dataclass

from flask import current_app, request, url_for
from flask_login import current_user
from markupsafe import Markup

from app.analytics.services import record_event
from app.catalog.listing_params import parse_listing_args
from app.catalog.queries import list_categories, products_in_order
from app.extensions import db
from app.htmx import is_fragment_request, render

log = logging.getLogger(__name__)
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


def render_listing(page_template, endpoint):
    """Parse the query string, find the products, record the search, render the page or the region."""
    # Imported here, not at the top: the search back ends import the catalog models, whose package
    # imports these views, so a top-level import would be circular for whoever imports search first.
    from app.search.backend import find_products

    categories = list_categories()
    state = parse_listing_args(request.args, {c.slug for c in categories}, current_app.config["PRODUCTS_PER_PAGE"])
    result = find_products(state.query)
    products = products_in_order(result.product_ids)
    pagination = Pagination(state.query.page, state.query.per_page, result.total)
    if result.total and pagination.beyond_last:
        state.notices.append(f"There is no page {state.query.page}: the results end at page {pagination.pages}.")
    highlights = {pid: {k: Markup(v) for k, v in parts.items()} for pid, parts in result.highlights.items()}
    current_category = next((c for c in categories if c.slug == state.query.category), None)
    response = render(
        page_template, RESULTS_PARTIAL,
        endpoint=endpoint, state=state, query=state.query, result=result, products=products,
        highlights=highlights, pagination=pagination, categories=categories, current_category=current_category,
    )
    if state.query.text and state.query.page == 1:
        # After rendering: the event's commit expires every loaded object, and the cards would then
        # reload each product, its images and the categories one query at a time (≈35 queries).
        record_search(state.query.text, result.total)
    if is_fragment_request():
        # The form sends every field, empty ones too; the address bar gets the short canonical URL.
        response.headers["HX-Push-Url"] = url_for(endpoint, **state.url_args())
    return response


def record_search(text, total):
    """A search is counted each time the first page of results is shown for a non-empty query (so paging
    through results does not count again; a changed filter or sort is a new question and does).
    Analytics must never break the page, so a failure here is logged and rolled back."""
    user_id = current_user.id if current_user.is_authenticated else None
    try:
        record_event("search", {"query": text, "results": total}, user_id=user_id, commit=True)
    except Exception:
        db.session.rollback()
        log.exception("could not record a search event")
