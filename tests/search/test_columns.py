"""Whole columns read in one slice (columns.py, postings._length_column) give what Whoosh's own readers
give, document by document, on an index of several segments with an edited (deleted + re-added) product."""
import pytest
from whoosh.codec.whoosh3 import LENGTHS_COLUMN

from app.catalog.services import update_product
from app.catalog.search_feed import CatalogFeed
from app.search.columns import read_column
from app.search.index_store import live_searcher
from app.search.indexing import rebuild_index, sync_index
from app.search.postings import _length_column
from app.search.results import PRICE_BUCKETS
from app.search.whoosh_backend import _bucket_column, _within


@pytest.fixture
def reader(db, app):
    from app.catalog.models import Product
    from app.catalog.seed import seed_demo_catalog

    seed_demo_catalog(300, seed=3)
    index_dir = app.config["SEARCH_INDEX_DIR"]
    rebuild_index(index_dir, CatalogFeed(), procs=2)
    product = db.session.query(Product).order_by(Product.id).first()
    update_product(product.id, name="Renamed Lantern", price=123_456)
    sync_index(index_dir, CatalogFeed())
    live = live_searcher(index_dir)
    assert len(list(live.searcher.reader().leaf_readers())) > 1  # the case where alignment can go wrong
    return live


@pytest.mark.parametrize("name", ["price", "category", "created", "name_sort"])
def test_a_column_read_whole_equals_whoosh_document_by_document(reader, name):
    whoosh_reader = reader.searcher.reader()
    expected = []
    for leaf, _offset in whoosh_reader.leaf_readers():  # a segment at a time: see the test below
        one_by_one = leaf.column_reader(name)
        expected += [one_by_one[docnum] for docnum in range(leaf.doc_count_all())]
    assert read_column(whoosh_reader, name) == expected
    assert len(set(expected)) > 2  # real values, not a column of defaults


def test_columns_stay_aligned_when_a_segment_has_no_column(reader):
    """The segment written for the watermark holds only the meta document, which has no columns.
    Whoosh's MultiReader.column_reader() skips such a segment, so list(...) of it came out one short
    and every later document's value shifted onto its neighbour; read_column() keeps one value per
    document."""
    whoosh_reader = reader.searcher.reader()
    leaves = list(whoosh_reader.leaf_readers())
    assert any(not leaf.has_column("price") for leaf, _offset in leaves)
    prices = read_column(whoosh_reader, "price")
    assert len(prices) == whoosh_reader.doc_count_all()
    for leaf, offset in leaves:
        if leaf.has_column("price"):
            for docnum in range(leaf.doc_count_all()):
                if not leaf.is_deleted(docnum):
                    assert prices[offset + docnum] == int(leaf.column_reader("price")[docnum])
    edited = [offset + d for leaf, offset in leaves for d in range(leaf.doc_count_all())
              if not leaf.is_deleted(d) and leaf.stored_fields(d).get("pid") and leaf.has_column("price")
              and leaf.column_reader("price")[d] == 123_456]
    assert len(edited) == 1 and prices[edited[0]] == 123_456


@pytest.mark.parametrize("field", ["name", "description", "words"])
def test_field_lengths_read_whole_equal_whoosh(reader, field):
    for leaf, _offset in reader.searcher.reader().leaf_readers():
        column = leaf._perdoc._cached_reader(f"_{field}_len", LENGTHS_COLUMN)
        if column is None:
            continue
        assert list(_length_column(leaf, field)) == [column[d] for d in range(leaf.doc_count_all())]


def test_price_buckets_run_in_order_without_gaps():
    for (_low, high), (next_low, _next_high) in zip(PRICE_BUCKETS, PRICE_BUCKETS[1:]):
        assert next_low == high + 1
    assert PRICE_BUCKETS[0][0] is None and PRICE_BUCKETS[-1][1] is None


def test_each_document_lands_in_the_bucket_its_price_is_within(reader):
    prices, buckets = reader.column("price"), _bucket_column(reader)
    for price, bucket in zip(prices, buckets):
        low, high = PRICE_BUCKETS[bucket]
        assert _within(price, low, high)


class _Prices:
    """Just the two reader methods _bucket_column uses, over chosen prices."""

    def __init__(self, prices):
        self.prices = prices

    def column(self, _name):
        return self.prices

    def derived(self, _name, compute):
        return compute()


def test_prices_on_the_bucket_edges():
    edges = [0, 2499, 2500, 4999, 5000, 9999, 10000, 24999, 25000, 10**9]
    assert _bucket_column(_Prices(edges)) == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]


def test_an_edited_product_is_filtered_and_sorted_by_its_new_price(reader, search, db):
    from app.catalog.models import Product

    edited = db.session.query(Product).filter_by(name="Renamed Lantern").one()
    found = search("renamed lantern", min_price=123_000, max_price=124_000)
    assert found.product_ids == [edited.id]
    assert search("lantern", sort="price_desc").product_ids[0] == edited.id
    assert sum(b.count for b in search("renamed lantern").price_buckets if b.min_price == 25000) >= 1
