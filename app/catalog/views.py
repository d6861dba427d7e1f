"""Catalog pages: home, the listing (with category pages), the search results page, the header box's
suggestions and product pages. Each is rendered once per catalog version and shared by every shopper
(app/catalog/page_cache.py); the shopper's own parts are filled in per request."""
from flask import abort, redirect, request, url_for

from app.analytics.tracking import track
from app.catalog import bp
from app.catalog.listing import render_listing
from app.catalog.page_cache import catalog_version, category_rows, page_response, shared_page
from app.catalog.product_finder import find_completions, find_suggestions
from app.catalog.queries import (
    active_product_by_slug,
    featured_products,
    list_categories,
    newest_products,
    related_products,
)
from app.htmx import add_vary, is_fragment_request
from app.ops.shared_html import render_shared
from app.search.query import MAX_QUERY_CHARS


@bp.get("/")
def home():
    def render():
        html = render_shared("catalog/home.html", categories=list_categories(), featured=featured_products(),
                             newest=newest_products())
        return html, {}, True

    return page_response("home", shared_page("home", render))


@bp.get("/products")
def listing():
    """All products, or one category with ?category=<slug>; filters, sort and page are in the URL too.
    An htmx request gets only the results region."""
    return render_listing("catalog/listing.html", endpoint="catalog.listing")


@bp.get("/search")
def search():
    """The search results page: the listing under its own URL, so the header box has one stable address
    and the filter form on it keeps submitting to /search."""
    return render_listing("catalog/search.html", endpoint="catalog.search")


@bp.get("/search/suggest")
def suggest():
    """The header box's suggestions fragment (htmx only: a plain visit goes to the results page)."""
    text = request.args.get("q", "")[:MAX_QUERY_CHARS]
    if not is_fragment_request():
        return add_vary(redirect(url_for("catalog.search", q=text.strip()), 303))

    def render():
        suggestions, watermark = find_suggestions(text, as_of=catalog_version().change_id)
        completions = find_completions(text, suggestions, category_rows())
        html = render_shared("partials/search/suggestions.html", query=text.strip(), suggestions=suggestions,
                             completions=completions)
        return html, {}, watermark is None or watermark >= catalog_version().change_id

    key = f"suggest:{text}"
    return add_vary(page_response(key, shared_page(key, render)))


@bp.get("/categories/<slug>")
def category(slug):
    """A readable address for a category page; the canonical URL is the listing with ?category=, so
    the filter form (which can change the category) keeps one URL shape."""
    if slug not in {row[1] for row in category_rows()}:
        abort(404)
    return redirect(url_for("catalog.listing", category=slug), 301)


@bp.get("/products/<slug>")
def product(slug):
    def render():
        found = active_product_by_slug(slug)
        if found is None:
            abort(404)  # nothing is kept: junk addresses cannot fill the cache
        html = render_shared("catalog/product.html", product=found, related=related_products(found))
        return html, {"product_id": found.id}, True

    key = f"product:{slug}"
    page = shared_page(key, render)
    track("product_view", {"product_id": page.facts.get("product_id"), "slug": slug})
    return page_response(key, page)
