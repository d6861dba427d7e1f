"""catalog domain: products and categories, their pages (home, listing, search results, product pages,
sitemap), and the change log that the page cache and the search index follow."""
from flask import Blueprint

bp = Blueprint("catalog", __name__)

from app.catalog import media, seo, sitemap, views  # noqa: E402,F401
from app.catalog.image_store import image_src, image_srcset  # noqa: E402
from app.catalog.listing import price_range  # noqa: E402
from app.search.query import MAX_QUERY_CHARS  # noqa: E402

bp.add_app_template_filter(price_range, "price_range")
for _name in ("meta_description", "listing_canonical_args", "breadcrumb_list", "listing_crumbs", "product_crumbs",
              "product_data"):
    bp.add_app_template_global(getattr(seo, _name), _name)
bp.add_app_template_global(seo.image_url, "product_image_url")
bp.add_app_template_global(MAX_QUERY_CHARS, "max_query_chars")
bp.add_app_template_global(image_src, "image_src")
bp.add_app_template_global(image_srcset, "image_srcset")
