"""What search engines and link previews read on catalog pages: canonical addresses, descriptions and
schema.org structured data (Product with its offer, BreadcrumbList). Absolute URLs are built on
SHOP_BASE_URL (app.ops.links.external_url), never on the request's Host."""
from app.catalog.image_store import image_endpoint_values
from app.money import to_decimal
from app.ops.links import external_url

DESCRIPTION_LENGTH = 155  # what result pages show of a description
SCHEMA = "https://schema.org"


def meta_description(text, length=DESCRIPTION_LENGTH):
    """The first `length` characters of `text` on one line, cut at a space."""
    text = " ".join((text or "").split())
    if len(text) <= length:
        return text
    cut = text.rfind(" ", 0, length - 1)
    return text[:cut if cut > length // 2 else length - 1] + "…"


def listing_canonical_args(state, endpoint):
    """The listing's canonical address keeps what picks its products (category, search text, page) and
    drops how they are filtered and ordered, so the filtered variants point at the one page."""
    args = state.url_args()
    keep = ("q", "category", "page") if endpoint == "catalog.search" else ("category", "page")
    return {name: value for name, value in args.items() if name in keep}


def breadcrumb_list(crumbs):
    """schema.org BreadcrumbList from (name, absolute URL) pairs, outermost first."""
    return {
        "@context": SCHEMA,
        "@type": "BreadcrumbList",
        "itemListElement": [{"@type": "ListItem", "position": n, "name": name, "item": url}
                            for n, (name, url) in enumerate(crumbs, 1)],
    }


def product_crumbs(product):
    crumbs = [("Home", external_url("catalog.home")), ("Products", external_url("catalog.listing"))]
    if product.category is not None:
        crumbs.append((product.category.name, external_url("catalog.listing", category=product.category.slug)))
    crumbs.append((product.name, external_url("catalog.product", slug=product.slug)))
    return crumbs


def listing_crumbs(category=None):
    crumbs = [("Home", external_url("catalog.home")), ("Products", external_url("catalog.listing"))]
    if category is not None:
        crumbs.append((category.name, external_url("catalog.listing", category=category.slug)))
    return crumbs


def image_url(product):
    endpoint, values = image_endpoint_values(product.main_image)
    return external_url(endpoint, **values)


def product_data(product):
    """schema.org Product with its Offer: price, currency, availability."""
    url = external_url("catalog.product", slug=product.slug)
    data = {
        "@context": SCHEMA,
        "@type": "Product",
        "name": product.name,
        "sku": product.sku,
        "description": meta_description(product.description, 5000),
        "image": [image_url(product)],
        "url": url,
        "offers": {
            "@type": "Offer",
            "url": url,
            "price": str(to_decimal(product.price, product.currency)),
            "priceCurrency": product.currency,
            "availability": f"{SCHEMA}/{'InStock' if product.stock > 0 else 'OutOfStock'}",
            "itemCondition": f"{SCHEMA}/NewCondition",
        },
    }
    if product.brand:
        data["brand"] = {"@type": "Brand", "name": product.brand}
    if product.category is not None:
        data["category"] = product.category.name
    return data
