"""Catalog pages: home, the product listing (with category pages) and product pages."""
from flask import abort, redirect, render_template, url_for

from app.catalog import bp
from app.catalog.listing import render_listing
from app.catalog.queries import (
    active_product_by_slug,
    featured_products,
    list_categories,
    newest_products,
    related_products,
)


@bp.get("/")
def home():
    return render_template(
        "catalog/home.html",
        categories=list_categories(),
        featured=featured_products(),
        newest=newest_products(),
    )


@bp.get("/products")
def listing():
    """All products, or one category with ?category=<slug>; filters, sort and page are in the URL too.
    An htmx request gets only the results region."""
    return render_listing("catalog/listing.html", endpoint="catalog.listing")


@bp.get("/categories/<slug>")
def category(slug):
    """A readable address for a category page; the canonical URL is the listing with ?category=, so
    the filter form (which can change the category) keeps one URL shape."""
    if slug not in {c.slug for c in list_categories()}:
        abort(404)
    return redirect(url_for("catalog.listing", category=slug), 301)


@bp.get("/products/<slug>")
def product(slug):
    product = active_product_by_slug(slug)
    if product is None:
        abort(404)
    return render_template("catalog/product.html", product=product, related=related_products(product))
