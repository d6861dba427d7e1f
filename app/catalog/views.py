"""Catalog pages: home and product pages."""
from flask import abort, render_template

from app.catalog import bp
from app.catalog.queries import active_product_by_slug, featured_products, list_categories, newest_products


@bp.get("/")
def home():
    return render_template(
        "catalog/home.html",
        categories=list_categories(),
        featured=featured_products(),
        newest=newest_products(),
    )


@bp.get("/products/<slug>")
def product(slug):
    product = active_product_by_slug(slug)
    if product is None:
        abort(404)
    return render_template("catalog/product.html", product=product)


@bp.get("/products")
def listing():
    """First cut of the listing: category filter and pages (the catalog issue adds facets and sorting)."""
    from flask import request

    from app.catalog.queries import list_products

    category = request.args.get("category", "")
    page = request.args.get("page", "1")
    page = int(page) if page.isdigit() and 0 < int(page) < 100_000 else 1
    products, total = list_products(category_slug=category or None, page=page, per_page=24)
    return render_template("catalog/listing.html", products=products, total=total, page=page,
                           category=category, categories=list_categories())
