"""The product page: stock states, the add-to-cart form, breadcrumbs, related products, 404s."""
import re


def test_in_stock_product(client, make_product):
    product = make_product("Walnut Speaker", "audio", price=12999, stock=40, description="Warm.\n\nSmall rooms.")
    html = client.get(f"/products/{product.slug}").get_data(as_text=True)
    assert '<p class="stock stock-in" id="stock-state">In stock</p>' in html
    assert "$129.99" in html
    assert "<p>Warm.</p>" in html and "<p>Small rooms.</p>" in html
    form = re.search(r'<form class="add-to-cart".*?</form>', html, re.S).group(0)
    assert 'name="quantity"' in form and 'type="number"' in form  # show_quantity on the product page
    assert "disabled" not in form and "Add to cart" in form


def test_only_a_few_left(client, make_product):
    product = make_product("Walnut Speaker", "audio", stock=3)
    html = client.get(f"/products/{product.slug}").get_data(as_text=True)
    assert "Only 3 left" in html


def test_sold_out_disables_the_button(client, make_product):
    product = make_product("Walnut Speaker", "audio", stock=0)
    html = client.get(f"/products/{product.slug}").get_data(as_text=True)
    assert '<p class="stock stock-out" id="stock-state">Sold out</p>' in html
    assert re.search(r'<button type="submit"[^>]*\sdisabled>Sold out</button>', html)


def test_breadcrumbs(client, make_product):
    product = make_product("Walnut Speaker", "audio")
    html = client.get(f"/products/{product.slug}").get_data(as_text=True)
    crumbs = re.search(r'<nav aria-label="Breadcrumb".*?</nav>', html, re.S).group(0)
    assert re.findall(r'href="([^"]+)"', crumbs) == ["/", "/products", "/products?category=audio"]
    assert '<li aria-current="page">Walnut Speaker</li>' in crumbs


def test_related_products(client, make_product):
    product = make_product("Walnut Speaker", "audio")
    sibling = make_product("Oak Speaker", "audio", stock=0)
    newer_sibling = make_product("Pine Speaker", "audio")
    make_product("Hidden Speaker", "audio", is_active=False)
    make_product("Copper Kettle", "kitchen")
    html = client.get(f"/products/{product.slug}").get_data(as_text=True)
    related = html[html.index('id="related-products"'):]
    ids = [int(i) for i in re.findall(r'id="product-card-(\d+)"', related)]
    assert ids == [newer_sibling.id, sibling.id]  # same category, in stock first, never itself or inactive


def test_no_related_section_when_alone(client, make_product):
    product = make_product("Lonely Kettle", "kitchen")
    assert 'id="related-products"' not in client.get(f"/products/{product.slug}").get_data(as_text=True)


def test_inactive_and_unknown_products_are_404(client, make_product):
    product = make_product("Retired Speaker", "audio", is_active=False)
    for url in (f"/products/{product.slug}", "/products/no-such-thing"):
        response = client.get(url)
        assert response.status_code == 404
        assert "Page not found" in response.get_data(as_text=True)


def test_product_name_is_escaped(client, make_product):
    product = make_product("<img src=x onerror=alert(1)>", "audio")
    html = client.get(f"/products/{product.slug}").get_data(as_text=True)
    assert "<img src=x" not in html and "&lt;img src=x" in html


def test_home_shows_categories_featured_and_new(client, make_product):
    featured = make_product("Featured Lamp", "home", is_featured=True)
    make_product("Sold Out Feature", "home", is_featured=True, stock=0)
    newest = make_product("Brand New Desk", "office")
    html = client.get("/").get_data(as_text=True)
    assert 'href="/products?category=home"' in html and 'href="/products?category=office"' in html
    featured_section = html[html.index('id="featured-title"'):html.index('id="new-title"')]
    assert re.findall(r'id="product-card-(\d+)"', featured_section) == [str(featured.id)]
    new_section = html[html.index('id="new-title"'):]
    assert re.findall(r'id="product-card-(\d+)"', new_section)[0] == str(newest.id)
