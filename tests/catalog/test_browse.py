"""The listing answered by the database (app/catalog/browse.py) against the real database: text
matching (the fallback when the index cannot answer), filters, facets, sorts, pagination and the terms
to highlight."""
import pytest

from app.catalog.browse import browse_products as search_database
from app.catalog.listing import price_range
from app.catalog.product_finder import card_highlights
from app.catalog.queries import products_in_order
from app.search.results import SearchQuery


def ids(products):
    return [p.id for p in products]


@pytest.fixture
def small_catalog(make_product):
    return {
        "speaker": make_product("Walnut Speaker", "audio", price=12000, stock=3, brand="Tidewater",
                                description="A warm speaker for small rooms."),
        "headphones": make_product("Studio Headphones", "audio", price=8900, stock=0, brand="Northline",
                                   description="Closed-back headphones with a detachable cable."),
        "kettle": make_product("Copper Kettle", "kitchen", price=4500, stock=20, brand="Tidewater",
                               description="Boils water fast; pairs with any speaker-free kitchen."),
        "pan": make_product("Cast Iron Pan", "kitchen", price=2400, stock=8, brand="Forge",
                            description="Seasoned and ready."),
        "tent": make_product("Trail Tent", "outdoor", price=30000, stock=1, brand="Northline",
                             description="Two-person tent."),
        "hidden": make_product("Walnut Speaker Prototype", "audio", price=100, stock=5, is_active=False),
    }


def test_text_matches_name_brand_and_description_case_insensitively(app, small_catalog):
    with app.app_context():
        assert set(search_database(SearchQuery(text="SPEAKER")).product_ids) == {
            small_catalog["speaker"].id, small_catalog["kettle"].id}
        assert set(search_database(SearchQuery(text="tidewater")).product_ids) == {
            small_catalog["speaker"].id, small_catalog["kettle"].id}


def test_every_word_must_match(app, small_catalog):
    with app.app_context():
        result = search_database(SearchQuery(text="walnut speaker"))
        assert result.product_ids == [small_catalog["speaker"].id] and result.total == 1
        assert search_database(SearchQuery(text="walnut kettle")).total == 0


def test_like_wildcards_are_literal(app, make_product):
    underscore = make_product("Cable_Tie", "home")
    make_product("CableXTie", "home")
    make_product("Discount 1000 Cotton Tee", "clothing")
    with app.app_context():
        # Words are the search engine's words (app/search/analysis.py): letters and digits, so "_" and "%"
        # cut words and never reach LIKE; "cable_tie" is the words cable and tie, in either product.
        assert sorted(search_database(SearchQuery(text="cable_tie")).product_ids) == sorted(
            [underscore.id, underscore.id + 1])
        assert search_database(SearchQuery(text="cable%tie")).total == 2
        assert search_database(SearchQuery(text="%")).total == 0


def test_inactive_products_are_never_found(app, small_catalog):
    with app.app_context():
        assert small_catalog["hidden"].id not in search_database(SearchQuery(text="prototype")).product_ids
        assert search_database(SearchQuery()).total == 5


def test_filters_combine(app, small_catalog):
    with app.app_context():
        result = search_database(SearchQuery(category="audio", in_stock=True))
        assert result.product_ids == [small_catalog["speaker"].id]
        result = search_database(SearchQuery(text="tidewater", min_price=4500, max_price=4500))
        assert result.product_ids == [small_catalog["kettle"].id]  # both ends inclusive
        result = search_database(SearchQuery(category="kitchen", max_price=3000, in_stock=True))
        assert result.product_ids == [small_catalog["pan"].id]


def test_category_counts_ignore_the_category_filter(app, small_catalog):
    with app.app_context():
        result = search_database(SearchQuery(category="audio", in_stock=True))
        assert result.total == 1
        assert result.category_counts == {"audio": 1, "kitchen": 2, "outdoor": 1}


def test_price_buckets_ignore_the_price_filter_but_apply_the_others(app, small_catalog):
    with app.app_context():
        result = search_database(SearchQuery(category="kitchen", min_price=4000))
        assert result.total == 1
        counts = {price_range(b): b.count for b in result.price_buckets}
        assert counts == {"Under $25": 1, "$25 to $50": 1, "$50 to $100": 0, "$100 to $250": 0, "$250 and up": 0}
        assert result.category_counts == {"audio": 2, "kitchen": 1, "outdoor": 1}  # the price filter applies here


@pytest.mark.parametrize("query", [
    SearchQuery(),
    SearchQuery(in_stock=True),
    SearchQuery(min_price=2000, max_price=9000),
    SearchQuery(text="the"),
    SearchQuery(text="the", in_stock=True, max_price=20000),
])
def test_facets_add_up_on_the_demo_catalog(app, seeded, query):
    with app.app_context():
        result = search_database(query)
        assert sum(result.category_counts.values()) == result.total
        without_price = search_database(SearchQuery(text=query.text, in_stock=query.in_stock))
        assert sum(b.count for b in result.price_buckets) == without_price.total
        for slug, count in result.category_counts.items():
            assert search_database(SearchQuery(text=query.text, category=slug, in_stock=query.in_stock,
                                               min_price=query.min_price, max_price=query.max_price)).total == count


def test_sorts(app, small_catalog):
    def names(sort, text=""):
        result = search_database(SearchQuery(text=text, sort=sort))
        by_id = {p.id: p.name for p in small_catalog.values()}
        return [by_id[i] for i in result.product_ids]

    with app.app_context():
        assert names("price_asc") == ["Cast Iron Pan", "Copper Kettle", "Studio Headphones", "Walnut Speaker", "Trail Tent"]
        assert names("price_desc") == list(reversed(names("price_asc")))
        assert names("newest") == ["Trail Tent", "Cast Iron Pan", "Copper Kettle", "Studio Headphones", "Walnut Speaker"]
        assert names("relevance") == names("newest")  # no text: relevance means newest
        assert names("name") == sorted(names("name"))
        # Relevance: the name match first, although the kettle (description match) is newer.
        assert names("relevance", text="speaker") == ["Walnut Speaker", "Copper Kettle"]


def test_pagination_covers_everything_once(app, seeded):
    with app.app_context():
        total = search_database(SearchQuery()).total
        seen = []
        for page in range(1, total // 5 + 2):
            result = search_database(SearchQuery(page=page, per_page=5))
            assert result.total == total
            seen += result.product_ids
        assert len(seen) == len(set(seen)) == total
        last_page = -(-total // 5)
        assert len(search_database(SearchQuery(page=last_page, per_page=5)).product_ids) == total - (last_page - 1) * 5
        beyond = search_database(SearchQuery(page=last_page + 1, per_page=5))
        assert beyond.product_ids == [] and beyond.total == total


def test_highlights_are_escaped_and_marked(app, make_product):
    product = make_product("<b>Bold</b> & Speaker", "audio", description="x " * 200 + "the speaker is here " + "y " * 200)
    with app.app_context():
        result = search_database(SearchQuery(text="speaker"))
        highlight = card_highlights(products_in_order(result.product_ids), result.highlight_terms)[product.id]
        assert highlight["name"] == "&lt;b&gt;Bold&lt;/b&gt; &amp; <mark>Speaker</mark>"
        assert "<mark>speaker</mark>" in highlight["snippet"]
        assert highlight["snippet"].startswith("…") and highlight["snippet"].endswith("…")
        assert len(highlight["snippet"]) < 200
        assert search_database(SearchQuery()).highlight_terms is None  # no text, nothing to highlight


def test_query_syntax_is_taken_literally(app, make_product):
    tent = make_product("Trail Tent", "outdoor", description="Two walnut poles.")
    with app.app_context():
        assert search_database(SearchQuery(text='"walnut" AND (tent*)')).product_ids == [tent.id]
        assert search_database(SearchQuery(text="*** () []")).total == 0
        assert search_database(SearchQuery(text=" ".join(f"w{i}" for i in range(100)))).total == 0
