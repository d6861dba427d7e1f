"""/robots.txt and the sitemaps search engines read.

/sitemap.xml is a sitemap index (the protocol allows at most 50,000 addresses per sitemap file): one
file for the home, listing and category pages, then one per 50,000 product ids, each streamed as it is
read (a thousand products per primary-key range query), so a catalog of any size costs a few MB of
memory and no scan. Addresses are absolute on SHOP_BASE_URL.
"""
from xml.sax.saxutils import escape

from flask import Response, abort, stream_with_context
from sqlalchemy import func, select

from app.catalog import bp
from app.catalog.models import Product
from app.catalog.page_cache import category_rows
from app.extensions import db
from app.ops.links import external_url, external_url_builder

PRODUCTS_PER_FILE = 50_000
BATCH = 1000
XMLNS = "http://www.sitemaps.org/schemas/sitemap/0.9"
# Per-shopper pages and endless search variants are not for crawlers.
DISALLOWED = ("/cart", "/account", "/admin", "/login", "/logout", "/register", "/password", "/verify", "/search")


@bp.get("/robots.txt")
def robots():
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in DISALLOWED), "",
             f"Sitemap: {external_url('catalog.sitemap_index')}", ""]
    return Response("\n".join(lines), mimetype="text/plain")


def _product_files():
    highest_id = db.session.execute(select(func.max(Product.id))).scalar() or 0
    return -(-highest_id // PRODUCTS_PER_FILE)


def _xml(lines):
    return Response(stream_with_context(lines), mimetype="application/xml")


def _listing(root, entry, urls):
    """A sitemap (root "urlset", entries "url") or a sitemap index ("sitemapindex", "sitemap")."""
    yield f'<?xml version="1.0" encoding="UTF-8"?>\n<{root} xmlns="{XMLNS}">\n'
    for url, lastmod in urls:
        yield f"<{entry}><loc>{escape(url)}</loc>{f'<lastmod>{lastmod}</lastmod>' if lastmod else ''}</{entry}>\n"
    yield f"</{root}>\n"


@bp.get("/sitemap.xml")
def sitemap_index():
    files = [external_url("catalog.sitemap_pages")]
    files += [external_url("catalog.sitemap_products", number=n) for n in range(1, _product_files() + 1)]
    return _xml(_listing("sitemapindex", "sitemap", [(url, None) for url in files]))


@bp.get("/sitemaps/pages.xml")
def sitemap_pages():
    urls = [external_url("catalog.home"), external_url("catalog.listing")]
    urls += [external_url("catalog.listing", category=row[1]) for row in category_rows()]
    return _xml(_listing("urlset", "url", [(url, None) for url in urls]))


@bp.get("/sitemaps/products-<int:number>.xml")
def sitemap_products(number):
    if not 1 <= number <= _product_files():
        abort(404)
    first, last = (number - 1) * PRODUCTS_PER_FILE, number * PRODUCTS_PER_FILE

    url_for_product = external_url_builder()

    def products():
        after = first
        while after < last:
            # By primary key range only (is_active checked here), so no other index is walked.
            rows = db.session.execute(
                select(Product.id, Product.slug, Product.updated_at, Product.is_active)
                .where(Product.id > after, Product.id <= last).order_by(Product.id).limit(BATCH)
            ).all()
            if not rows:
                break
            for row in rows:
                if row.is_active:
                    yield url_for_product("catalog.product", slug=row.slug), row.updated_at.date().isoformat()
            after = rows[-1].id

    return _xml(_listing("urlset", "url", products()))
