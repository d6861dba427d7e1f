"""The Whoosh engine: ranking, stemming, typos, facets, filters, sorts, pages, and queries that must not break."""
import pytest
from sqlalchemy import select

from app.catalog.models import Product
from app.catalog.seed import seed_demo_catalog
from app.search.highlight import highlight_product
from app.search.results import PRICE_BUCKETS, SORTS
from tests.search.conftest import names


def test_exact_name_match_beats_description_mention(make_product, search):
    mention = make_product("Plain Desk Lamp", description="Pairs well with any zorblax on your desk.").id
    exact = make_product("Zorblax Reading Light", description="A warm light.").id
    result = search("zorblax")
    assert result.backend == "whoosh"
    assert result.product_ids == [exact, mention]


def test_stemming_matches_other_word_forms(make_product, search):
    kettle = make_product("Copper Kettles", description="Boils quickly.").id
    assert search("kettle").product_ids == [kettle]
    assert search("boiling").product_ids == [kettle]


def test_one_typo_in_a_long_word_is_forgiven_and_corrected(make_product, search):
    headphones = make_product("Studio Headphones", description="Closed back.").id
    result = search("hedphones")
    assert result.product_ids == [headphones]
    # The page says which words it searched, and proposes nothing more.
    assert result.showing_for == "headphones" and result.corrected_text is None


def test_short_words_are_not_widened(make_product, search):
    make_product("Oak Table").id
    assert search("oat").total == 0  # three letters: "oat" must not become "oak"


def test_corrected_words_are_named_and_the_exact_words_offer_did_you_mean(make_product, search):
    espresso = make_product("Espresso Machine", description="Fifteen bar pump.").id
    result = search("espressso macine")  # one edit each
    assert result.product_ids == [espresso]
    assert result.showing_for == "espresso machine" and result.corrected_text is None
    # The shopper's "search instead for" link: nothing is corrected, and the correction is proposed,
    # since it finds more than the exact words.
    exact = search("espressso macine", exact=True)
    assert exact.total == 0 and exact.showing_for is None
    assert exact.corrected_text == "espresso machine"


def test_did_you_mean_is_only_offered_when_it_finds_more(make_product, search):
    make_product("Oak Table")
    make_product("Oat Biscuits")
    # "oar" is three letters (never widened); its correction "oak" or "oat" finds one product each,
    # more than none: proposed. Words with a digit are never respelled.
    assert search("oar").corrected_text in {"oak", "oat"}
    assert search("oat").corrected_text is None  # found: nothing to propose
    assert search("1001").corrected_text is None and search("1001").total == 0


def test_only_active_products_are_found(make_product, search):
    from app.catalog.services import deactivate_product

    hidden = make_product("Quartz Clock").id
    deactivate_product(hidden)
    assert search("quartz").total == 0


def test_brand_category_and_sku_are_searchable(make_product, search):
    pid = make_product("Field Recorder", brand="Kestrelwave", category="audio", sku="FLD-000123").id
    assert search("kestrelwave").product_ids == [pid]
    assert pid in search("audio recorder").product_ids
    assert search("FLD-000123").product_ids[:1] == [pid]


@pytest.fixture
def catalog(db):
    seed_demo_catalog(200, seed=3)


def test_facets_add_up_and_ignore_their_own_filter(catalog, search):
    everything = search("with")  # a stop word only: nothing to search for
    assert everything.total == 0
    result = search("recycled")
    assert result.total > 0
    assert sum(result.category_counts.values()) == result.total
    assert sum(b.count for b in result.price_buckets) == result.total
    assert [(b.min_price, b.max_price) for b in result.price_buckets] == list(PRICE_BUCKETS)
    slug = max(result.category_counts, key=result.category_counts.get)
    narrowed = search("recycled", category=slug)
    assert narrowed.total == result.category_counts[slug]
    assert narrowed.category_counts == result.category_counts  # computed before the category filter


def test_filters_combine(catalog, search, db):
    base = search("workshop")
    assert base.total > 3
    filtered = search("workshop", min_price=2000, max_price=20000, in_stock=True, category="audio", per_page=100)
    products = db.session.execute(select(Product).where(Product.id.in_(filtered.product_ids))).scalars().all()
    assert filtered.total == len(products) > 0
    for product in products:
        assert 2000 <= product.price <= 20000 and product.stock > 0 and product.category.slug == "audio"
    assert filtered.total < base.total


@pytest.mark.parametrize("sort", SORTS)
def test_sorts(catalog, search, db, sort):
    result = search("workshop", sort=sort, per_page=100)
    rows = {p.id: p for p in db.session.execute(select(Product).where(Product.id.in_(result.product_ids))).scalars()}
    products = [rows[i] for i in result.product_ids]
    keys = {"price_asc": lambda p: p.price, "price_desc": lambda p: -p.price,
            "newest": lambda p: -p.created_at.timestamp(), "name": lambda p: p.name.lower()}
    if sort in keys:
        assert [keys[sort](p) for p in products] == sorted(keys[sort](p) for p in products)
    assert len(products) == result.total


def test_pagination_edges(catalog, search):
    everything = search("workshop", per_page=100).product_ids
    assert len(everything) > 5
    pages = [search("workshop", per_page=5, page=n).product_ids for n in range(1, len(everything) // 5 + 2)]
    assert [i for page in pages for i in page] == everything
    assert search("workshop", per_page=5, page=999).product_ids == []
    assert search("workshop", per_page=5, page=999).total == len(everything)


def test_highlights_are_escaped_and_marked(make_product, search):
    product = make_product("Kettle <b>&amp; Co</b>", description="A kettle for <script>tea</script> lovers.")
    terms = search("kettle").highlight_terms
    marked = highlight_product(product.name, product.description, terms)
    assert marked["name"] == "<mark>Kettle</mark> &lt;b&gt;&amp;amp; Co&lt;/b&gt;"
    assert "&lt;script&gt;" in marked["snippet"]
    assert "<mark>kettle</mark>" in marked["snippet"]


BAD_QUERIES = [
    '"', '"unclosed quote', "(", ")", "[]", "{x}", "*", "**", "?", "AND", "OR", "NOT", "head AND OR NOT",
    "name:headphones", "price:[10 TO 20]", "sku:*", "~", "^2", "head~2", "\\", "/", "%", "_", "' OR 1=1 --",
    "🎧", "🎧🎧 headphones 🎧", "\x00", "\u202e", "   ", "", "a" * 10_000, "headphones " * 2_000, "ｈｅａｄ",
    "<script>alert(1)</script>", "&amp;", "aud-", "-", "--help",
]


@pytest.mark.parametrize("text", BAD_QUERIES)
def test_bad_queries_never_fail(seeded, search, text):
    result = search(text)
    assert result.total >= 0 and len(result.product_ids) <= result.total


@pytest.mark.parametrize("text", BAD_QUERIES)
def test_bad_queries_never_fail_as_you_type(seeded, db, app, text):
    from app.search.whoosh_backend import suggest_products

    assert len(suggest_products(app.config["SEARCH_INDEX_DIR"], text).product_ids) <= 8


def test_as_you_type_matches_the_last_word_as_a_prefix(make_product, db, app):
    from app.search.whoosh_backend import suggest_products

    index_dir = app.config["SEARCH_INDEX_DIR"]
    phones = make_product("Wireless Headphones", description="Over ear.").id
    speaker = make_product("Wireless Speaker", description="Loud.").id
    assert set(suggest_products(index_dir, "wi").product_ids) == {phones, speaker}
    assert suggest_products(index_dir, "wireless hea").product_ids == [phones]
    assert suggest_products(index_dir, "headphone").product_ids == [phones]  # past the stem "headphon"
    assert suggest_products(index_dir, "h").product_ids == []  # one letter waits for more


def test_names_helper_sanity(make_product, db):
    pid = make_product("Named Thing").id
    assert names(db, [pid]) == ["Named Thing"]
