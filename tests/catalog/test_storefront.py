"""What shoppers' browsers and search engines read besides the page itself: titles, descriptions,
canonical links, Open Graph, schema.org data, heading order, /robots.txt and the sitemaps."""
import json
import re
from html.parser import HTMLParser
from xml.etree import ElementTree

import pytest

from app.catalog import sitemap

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


class PageReader(HTMLParser):
    """The head's meta data, the JSON-LD blocks and the headings of a page."""

    def __init__(self, html):
        super().__init__()
        self.meta, self.links, self.json_ld, self.headings, self.title = {}, {}, [], [], ""
        self._in = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta":
            self.meta[attrs.get("name") or attrs.get("property")] = attrs.get("content")
        elif tag == "link":
            self.links[attrs.get("rel")] = attrs.get("href")
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in = "json"
            self.json_ld.append("")
        elif tag == "title":
            self._in = "title"
        elif re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))

    def handle_endtag(self, tag):
        if tag in ("script", "title"):
            self._in = None

    def handle_data(self, data):
        if self._in == "json":
            self.json_ld[-1] += data
        elif self._in == "title":
            self.title += data


def read(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    return PageReader(response.get_data(as_text=True))


@pytest.fixture
def lamp(make_product):
    make_product("Oak Lamp", "home", price=3500)
    return make_product("Brass <Desk> Lamp", "home", price=4999, stock=3, brand="Lumen",
                        description="A warm brass lamp for reading. " * 10)


def test_product_page_meta_and_structured_data(client, lamp):
    page = read(client, f"/products/{lamp.slug}")
    assert page.title == "Brass <Desk> Lamp · Home · The Shop"
    assert page.meta["description"].startswith("A warm brass lamp for reading.") and len(page.meta["description"]) <= 156
    canonical = f"http://localhost/products/{lamp.slug}"
    assert page.links["canonical"] == canonical
    assert page.meta["og:url"] == canonical and page.meta["og:type"] == "product"
    assert page.meta["og:title"] == page.title and page.meta["og:description"] == page.meta["description"]
    assert page.meta["og:image"] == "http://localhost/static/img/no-image.svg"
    product, breadcrumbs = (json.loads(block) for block in page.json_ld)
    assert product["@type"] == "Product" and product["name"] == "Brass <Desk> Lamp" and product["sku"] == lamp.sku
    assert product["brand"] == {"@type": "Brand", "name": "Lumen"}
    assert product["offers"]["price"] == "49.99" and product["offers"]["priceCurrency"] == "USD"
    assert product["offers"]["availability"] == "https://schema.org/InStock"
    assert [item["name"] for item in breadcrumbs["itemListElement"]] == ["Home", "Products", "Home", "Brass <Desk> Lamp"]
    assert breadcrumbs["itemListElement"][2]["item"] == "http://localhost/products?category=home"


def test_sold_out_products_say_so(client, make_product):
    gone = make_product("Gone Lamp", "home", stock=0)
    product = json.loads(read(client, f"/products/{gone.slug}").json_ld[0])
    assert product["offers"]["availability"] == "https://schema.org/OutOfStock"


def test_json_ld_cannot_close_its_script(client, make_product):
    sneaky = make_product("</script><script>alert(1)</script>", "home")
    html = client.get(f"/products/{sneaky.slug}").get_data(as_text=True)
    assert "</script><script>alert(1)" not in html


def test_listing_meta_canonical_and_breadcrumbs(client, lamp):
    page = read(client, "/products?category=home&sort=price_asc&in_stock=1&page=1")
    assert page.title == "Home · Products · The Shop"
    assert page.meta["description"] == "All things home."
    assert page.links["canonical"] == "http://localhost/products?category=home"  # filters and order dropped
    breadcrumbs = json.loads(page.json_ld[0])
    assert breadcrumbs["@type"] == "BreadcrumbList"
    assert [(i["position"], i["name"]) for i in breadcrumbs["itemListElement"]] == [(1, "Home"), (2, "Products"), (3, "Home")]
    everything = read(client, "/products?page=2")
    assert everything.title == "Products · Page 2 · The Shop"
    assert everything.links["canonical"] == "http://localhost/products?page=2"
    assert everything.meta["description"].startswith("Browse 2 products at The Shop.")


def test_search_pages_are_not_indexed(client, lamp):
    page = read(client, "/search?q=lamp&sort=price_desc")
    assert page.title == "Search: lamp · The Shop"
    assert page.meta["robots"] == "noindex, follow"
    assert page.links["canonical"] == "http://localhost/search?q=lamp"
    assert page.meta["description"] == "2 products at The Shop match “lamp”."


def test_home_meta(client, lamp):
    page = read(client, "/")
    assert page.title == "The Shop: Well-made things for home, work and the outdoors."
    assert page.links["canonical"] == "http://localhost/"
    assert page.meta["og:site_name"] == "The Shop" and page.meta["og:type"] == "website"


def test_other_pages_have_a_title_description_and_canonical(client, auth):
    for path, title in [("/login", "Log in"), ("/register", "Create"), ("/cart", "cart")]:
        page = read(client, path)
        assert title.lower() in page.title.lower() and "The Shop" in page.title, page.title
        assert page.meta["description"] and page.links["canonical"] == f"http://localhost{path}"
        assert page.meta["og:url"] == page.links["canonical"]


def assert_headings_descend(headings, where):
    assert headings and headings[0] == 1 and headings.count(1) == 1, (where, headings)
    for before, after in zip(headings, headings[1:]):
        assert after <= before + 1, (where, headings)


def test_headings_descend_in_order_on_every_page(app, client, lamp, auth, hx):
    public = ["/", "/products", "/products?category=home", "/search?q=lamp", "/search?q=zzzz", f"/products/{lamp.slug}",
              "/products?page=99", "/cart", "/login", "/register", "/password/forgot", "/no-such-page"]
    for path in public:
        assert_headings_descend(PageReader(client.get(path).get_data(as_text=True)).headings, path)
    auth.create_user()
    auth.login()
    for path in ["/account", "/account/addresses", "/account/addresses/new"]:
        assert_headings_descend(PageReader(client.get(path).get_data(as_text=True)).headings, path)


def test_robots_txt(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    text = response.get_data(as_text=True)
    assert "User-agent: *" in text and "Disallow: /cart" in text and "Disallow: /account" in text
    assert "Sitemap: http://localhost/sitemap.xml" in text


def locs(response, tag="url"):
    assert response.status_code == 200 and response.mimetype == "application/xml"
    root = ElementTree.fromstring(response.get_data())
    return [element.findtext(f"{SITEMAP}loc") for element in root.iter(f"{SITEMAP}{tag}")]


def test_sitemaps_list_every_active_product(app, client, make_product, monkeypatch):
    monkeypatch.setattr(sitemap, "PRODUCTS_PER_FILE", 3)
    monkeypatch.setattr(sitemap, "BATCH", 2)
    products = [make_product(f"Lamp {n}", "home", is_active=n != 4) for n in range(7)]
    index = client.get("/sitemap.xml", buffered=False)
    assert index.is_streamed
    files = locs(index, "sitemap")
    assert files == ["http://localhost/sitemaps/pages.xml"] + [f"http://localhost/sitemaps/products-{n}.xml" for n in (1, 2, 3)]
    assert locs(client.get("/sitemaps/pages.xml")) == ["http://localhost/", "http://localhost/products",
                                                       "http://localhost/products?category=home"]
    listed = [url for n in (1, 2, 3) for url in locs(client.get(f"/sitemaps/products-{n}.xml"))]
    assert listed == [f"http://localhost/products/{p.slug}" for p in products if p.is_active]
    assert client.get("/sitemaps/products-4.xml").status_code == 404
    assert client.get("/sitemaps/products-0.xml").status_code == 404
    body = client.get("/sitemaps/products-1.xml").get_data(as_text=True)
    assert re.search(r"<lastmod>\d{4}-\d\d-\d\d</lastmod>", body)
