"""The analysis chain (app/search/analysis.py), word by word, and the patterns of issue 14 through the real
index: each test names a shopper's query and the product it must (or must not) find."""
import pytest

from app.search.analysis import index_terms, plain_terms, read_synonyms, split_words, stem_word
from app.search.query import completes


def test_folding_accents_and_case():
    assert plain_terms("Fjällräven KÅNKEN") == ["fjallraven", "kanken"]
    assert plain_terms("L\u2019Oréal") == plain_terms("l'oreal") == ["loreal", "l", "oreal"]
    assert plain_terms("Straße") == ["strasse"]


def test_possessives_are_stripped_and_the_plain_s_is_indexed_too():
    assert index_terms("Levi's") == ["levi"]  # levi, and levis stemmed to levi: counted once
    assert plain_terms("M&M's") == ["mm", "mms", "m"]
    assert set(index_terms("women's")) == set(index_terms("womens")) == set(index_terms("women"))


def test_hyphenated_words_are_indexed_joined_and_split():
    assert plain_terms("T-Shirt") == ["tshirt", "t", "shirt"]
    assert plain_terms("Flip-Flops") == ["flipflops", "flip", "flops"]


def test_codes_stay_whole_and_numbers_join_their_units():
    assert plain_terms("Casio MTP-1290BL") == ["casio", "mtp1290bl", "mtp", "1290bl"]
    assert index_terms("Galaxy S10 32GB") == ["galaxi", "s10", "32gb"]
    assert "300ml" in index_terms("Shampoo 300 ml") and "300ml" in index_terms("Shampoo 300ml")
    assert "32gb" in index_terms("32 GB card")
    assert "55inch" not in index_terms("55 inch TV")  # only units join


def test_snowball_keeps_word_families_together():
    for family in (("running", "run", "runs"), ("cropped", "crop"), ("knitted", "knit"), ("padded", "pad"),
                   ("kurtas", "kurta"), ("dresses", "dress")):
        assert len({stem_word(word) for word in family}) == 1, family
    assert stem_word("s10") == "s10" and stem_word("1001") == "1001"  # digits are never stemmed


def test_stop_words_are_dropped_but_never_inside_a_compound():
    assert index_terms("the of and") == []
    assert [w.text for w in split_words("ben & jerry's")] == ["ben", "jerry"]


def test_synonym_file_entries_go_through_the_chain(tmp_path):
    path = tmp_path / "synonyms.txt"
    path.write_text("# colours\nGrey, gray\nT-Shirts, tee  # plural, hyphen\nhair dryer, blowdryer\n", encoding="utf-8")
    groups = read_synonyms(path)
    assert groups["gray"] == groups["grey"] == {"grey", "gray"}
    assert groups["tee"] == {"tshirt", "tee"}
    assert "blowdryer" not in groups  # an entry of two words is skipped (its group has one entry left)


def test_brand_and_category_completions():
    assert completes("pum", "Puma") and completes("tommy h", "Tommy Hilfiger")
    assert completes("kurt", "Kurtas") and completes("l'or", "L'Oréal Paris") and completes("levis", "Levi's")
    assert not completes("tom", "Heinz") and not completes("womens kurta", "Kurtas")


# --- the patterns through the index ---------------------------------------------------------------

@pytest.fixture
def shop(make_product):
    names = {
        "levis": ("Levi's 501 Original Jeans", "Levi's"),
        "womens": ("Women's Running Shoes", "Asics"),
        "shampoo": ("Silk Shampoo 300 ml", "Dove"),
        "puzzle_1000": ("Alpine Jigsaw Puzzle 1000 Pieces", "Ravensburger"),
        "puzzle_101": ("Dalmatians Puzzle 101 Pieces", "Ravensburger"),
        "phone": ("Galaxy S10 Smartphone", "Samsung"),
        "tshirt": ("Crew T-Shirt - Grey", "Gap"),
        "tee": ("Pocket Tee - Navy", "Uniqlo"),
        "backpack": ("Daypack Backpack", "Osprey"),
        "bra": ("Sports Bra Pack of 2", "Nike"),
        "flipflops": ("Beach Flip Flops", "Havaianas"),
        "racket": ("Pro Tennis Racquet", "Wilson"),
    }
    return {key: make_product(name, brand=brand).id for key, (name, brand) in names.items()}


def test_possessives(shop, search):
    for text in ("levi's", "levis", "levi", "LEVI’S jeans"):
        assert search(text).product_ids == [shop["levis"]], text
    for text in ("women's running", "womens running", "women running"):
        assert search(text).product_ids == [shop["womens"]], text


def test_numbers_units_and_codes(shop, search):
    assert search("300ml").product_ids == search("300 ml").product_ids == [shop["shampoo"]]
    assert search("1000 pieces").product_ids == [shop["puzzle_1000"]]
    assert search("1001").total == 0  # not 101 or 1000, and nothing proposed that drops a digit
    assert search("1001").corrected_text is None
    result = search("s10")
    assert result.product_ids == [shop["phone"]] and result.showing_for is None and result.corrected_text is None


def test_compounds_synonyms_and_splits(shop, search):
    for text in ("t-shirt", "tshirt", "t shirt"):
        assert shop["tshirt"] in search(text).product_ids, text
    assert set(search("tee").product_ids) == {shop["tshirt"], shop["tee"]}  # tee = tshirt (synonyms.txt)
    assert search("gray").product_ids == search("grey").product_ids == [shop["tshirt"]]
    assert search("racket").product_ids == [shop["racket"]]
    assert search("back pack").product_ids[0] == shop["backpack"]  # joined: the backpack first
    flipflops = search("flipflops")
    assert flipflops.product_ids == [shop["flipflops"]] and flipflops.showing_for == "flip flops"
    assert search("flipflops", exact=True).total == 0


def test_the_results_page_says_which_words_it_searched(shop, client):
    page = client.get("/search", query_string={"q": "flipflops"}).get_data(as_text=True)
    assert 'id="showing-results-for"' in page and "Showing results for <strong>flip flops</strong>" in page
    assert "/search?q=flipflops&amp;exact=1" in page
    exact = client.get("/search", query_string={"q": "flipflops", "exact": "1"}).get_data(as_text=True)
    assert 'id="showing-results-for"' not in exact and "No products match" in exact
    assert 'id="did-you-mean"' in exact and ">flip flops</a>" in exact


def test_suggestions_rows_for_brands_and_categories(shop, client):
    page = client.get("/search/suggest", query_string={"q": "rav"}, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert 'id="suggest-brand-ravensburger"' in page and 'href="/search?q=Ravensburger"' in page
    assert page.index('id="suggest-brand-ravensburger"') < page.index(f'id="suggestion-{shop["puzzle_1000"]}"')


def test_stemming_from_many_threads_at_once():
    """Two requests may build or query the index at the same time: each thread stems on its own."""
    from concurrent.futures import ThreadPoolExecutor

    from app.search.analysis import stem_word

    words = [f"{w}{suffix}" for w in ("wash", "knit", "crop", "run", "pad", "dress") for suffix in ("ing", "able", "es", "ed")]
    expected = [stem_word(w) for w in words]
    with ThreadPoolExecutor(8) as pool:
        for _round in range(50):
            assert list(pool.map(stem_word, words)) == expected


def test_the_index_builds_terms_exactly_as_words_are_split():
    """The tokenizer's fast path (no Word per plain word) gives the forms split_words gives."""
    from app.catalog.seed import demo_product
    from app.search.analysis import _index_forms, is_stop, surface_forms

    texts = ["Levi's 501", "L’Oréal Paris", "T-Shirt grey", "Casio MTP-1290BL", "300 ml shampoo 2 in", "M&M's",
             "ecam22.110.b", "the of 32 GB and 5 ml.", "a 10-ml x", "Dr. Martens", "snake_case 3.5mm"]
    texts += [demo_product(1, i).description for i in range(50)]
    for text in texts:
        expected = [f for w in split_words(text) if not is_stop(w) for f in surface_forms(w)]
        assert sorted(f for _n, f in _index_forms(text)) == sorted(expected), text
