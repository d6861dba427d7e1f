"""GET /search/suggest: the as-you-type fragment, and the full page a plain visit gets. CSRF is on in this
module: a GET needs no token, and the header box must keep working with protection enabled."""
import pytest

from tests.search.test_engine import BAD_QUERIES


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


def test_fragment_lists_matching_products_with_thumbnail_highlight_and_price(make_product, client, hx, search):
    pid = make_product("Wireless Headphones", price=12999).id
    search("warm up")  # build the index
    response = client.get("/search/suggest?q=head", headers=hx)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"]
    assert html.lstrip().startswith('<div id="search-suggestions"')
    assert "<html" not in html
    assert f'id="suggestion-{pid}"' in html and 'role="option"' in html and 'role="listbox"' in html
    assert "Wireless <mark>Headphones</mark>" in html
    assert "$129.99" in html and "<img" in html
    assert 'href="/search?q=head"' in html


def test_a_product_change_shows_in_the_next_fragment(make_product, client, hx, search, app):
    """The fragment is remembered per text and index version; a change makes a new version."""
    from app.catalog.services import deactivate_product, update_product

    pid = make_product("Copper Kettle", price=4999).id
    search("warm up")
    assert "$49.99" in client.get("/search/suggest?q=kett", headers=hx).get_data(as_text=True)
    assert "$49.99" in client.get("/search/suggest?q=kett", headers=hx).get_data(as_text=True)  # remembered
    with app.app_context():
        update_product(pid, price=3999)
    html = client.get("/search/suggest?q=kett", headers=hx).get_data(as_text=True)
    assert "$39.99" in html and "$49.99" not in html
    with app.app_context():
        deactivate_product(pid)
    assert f'id="suggestion-{pid}"' not in client.get("/search/suggest?q=kett", headers=hx).get_data(as_text=True)


def test_at_most_eight_suggestions(make_product, client, hx, search):
    for n in range(12):
        make_product(f"Lantern {n}").id
    search("lantern")
    html = client.get("/search/suggest?q=lan", headers=hx).get_data(as_text=True)
    assert html.count('class="suggestion" role="option"') == 8


def test_empty_and_unmatched_text(make_product, client, hx, search):
    make_product("Lantern").id
    search("lantern")
    empty = client.get("/search/suggest?q=", headers=hx).get_data(as_text=True)
    assert "role=\"option\"" not in empty and "No quick matches" not in empty
    none = client.get("/search/suggest?q=zzqx", headers=hx).get_data(as_text=True)
    assert "No quick matches" in none


def test_plain_visit_goes_to_the_results_page(client):
    response = client.get("/search/suggest?q=head")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/search?q=head")
    assert "HX-Request" in response.headers["Vary"]


@pytest.mark.parametrize("text", BAD_QUERIES)
def test_bad_queries_through_the_endpoint(seeded, client, hx, text):
    response = client.get("/search/suggest", query_string={"q": text}, headers=hx)
    assert response.status_code == 200


def test_header_box_is_a_combobox_wired_to_the_endpoint(client):
    html = client.get("/").get_data(as_text=True)
    assert 'role="combobox"' in html and 'aria-controls="search-suggestions-list"' in html
    assert 'hx-get="/search/suggest"' in html
    assert 'hx-trigger="input changed delay:200ms, search"' in html
    assert 'hx-sync="this:replace"' in html
    assert 'action="/search"' in html  # Enter, or no JavaScript: the full results page
