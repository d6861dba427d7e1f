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


@bp.get("/sitemap.xml")
def sitemap_index():
    files = [external_url("catalog.sitemap_pages")]
    files += [external_url("catalog.sitemap_products", number=n) for n in range(1, _product_files() + 1)]

    def lines():
        yield f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{XMLNS}">\n'
        for url in files:
            yield f"<sitemap><loc>{escape(url)}</loc></sitemap>\n"
        yield "</sitemapindex>\n"

    return _xml(lines())


@bp.get("/sitemaps/pages.xml")
def sitemap_pages():
    urls = [external_url("catalog.home"), external_url("catalog.listing")]
    urls += [external_url("catalog.listing", category=row[1]) for row in category_rows()]

    def lines():
        yield f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{XMLNS}">\n'
        for url in urls:
            yield f"<url><loc>{escape(url)}</loc></url>\n"
        yield "</urlset>\n"

    return _xml(lines())


@bp.get("/sitemaps/products-<int:number>.xml")
def sitemap_products(number):
    if not 1 <= number <= _product_files():
        abort(404)
    first, last = (number - 1) * PRODUCTS_PER_FILE, number * PRODUCTS_PER_FILE

    url_for_product = external_url_builder()

    def lines():
        yield f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{XMLNS}">\n'
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
                    url = url_for_product("catalog.product", slug=row.slug)
                    yield f"<url><loc>{escape(url)}</loc><lastmod>{row.updated_at.date().isoformat()}</lastmod></url>\n"
            after = rows[-1].id
        yield "</urlset>\n"

    return _xml(lines())
