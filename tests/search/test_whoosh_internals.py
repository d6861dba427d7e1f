"""Every Whoosh internal that app/search/whoosh_internals.py relies on, checked against Whoosh's public
answer on a real index of several segments with an edited product. If a Whoosh upgrade changes one of
them, these fail with the name of the internal, instead of the shop quietly reading wrong prices,
categories or scores (and check_whoosh_version() refuses to start on an unverified version)."""
import pytest
import whoosh
from whoosh.codec import whoosh3
from whoosh.columns import NumericColumn, RefBytesColumn, VarBytesColumn

from app.catalog.search_feed import CatalogFeed
from app.catalog.services import update_product
from app.search import whoosh_internals as internals
from app.search.index_store import live_searcher
from app.search.indexing import rebuild_index, sync_index

PRIVATE_ATTRIBUTES = {
    NumericColumn.Reader: ["_typecode", "_fixedlen", "_count", "_dbfile", "_basepos", "_default"],
    VarBytesColumn.Reader: ["_lengths", "_dbfile", "_basepos"],
    RefBytesColumn.Reader: ["_itemsize", "_typecode", "_dbfile", "_basepos", "_uniques"],
}


@pytest.fixture
def reader(db, app):
    from app.catalog.models import Product
    from app.catalog.seed import seed_demo_catalog

    seed_demo_catalog(120, seed=5)
    index_dir = app.config["SEARCH_INDEX_DIR"]
    rebuild_index(index_dir, CatalogFeed(), procs=2)  # forked writers: unlocked_segment_writer, finished_segment
    product = db.session.query(Product).order_by(Product.id).first()
    update_product(product.id, name="Renamed Lantern", price=123_456)
    sync_index(index_dir, CatalogFeed())
    searcher = live_searcher(index_dir).searcher
    assert len(list(searcher.reader().leaf_readers())) > 2
    return searcher


def test_the_installed_whoosh_is_the_verified_one():
    internals.check_whoosh_version()
    assert tuple(whoosh.__version__[:3]) == internals.VERIFIED_VERSION
    with pytest.raises(internals.UnverifiedWhoosh, match="whoosh_internals.py"):
        internals.check_whoosh_version((2, 7, 6))


def test_the_length_lookup_patch_is_installed(app):
    assert getattr(whoosh3.W3PerDocReader._cached_reader, "remembers_missing", False)  # noqa: SLF001
    internals.install_length_lookup_cache()  # idempotent
    assert getattr(whoosh3.W3PerDocReader._cached_reader, "remembers_missing", False)  # noqa: SLF001


def test_private_attributes_exist(reader):
    seen = set()
    for leaf, _offset in reader.reader().leaf_readers():
        for name in ("price", "created", "category", "name_sort"):
            if leaf.has_column(name):
                raw = leaf.column_reader(name, translate=False)
                for reader_type, attributes in PRIVATE_ATTRIBUTES.items():
                    if isinstance(raw, reader_type):
                        seen.add(reader_type)
                        missing = [a for a in attributes if not hasattr(raw, a)]
                        assert not missing, f"{reader_type.__qualname__} lost {missing}: update whoosh_internals.py"
    assert NumericColumn.Reader in seen and VarBytesColumn.Reader in seen


@pytest.mark.parametrize("name", ["price", "created", "category", "name_sort"])
def test_raw_column_reads_equal_whoosh_document_by_document(reader, name):
    for leaf, _offset in reader.reader().leaf_readers():
        if not leaf.has_column(name):
            continue
        raw = leaf.column_reader(name, translate=False)
        count = leaf.doc_count_all()
        public = [raw[d] for d in range(count)]
        fast = (internals.numeric_column_array(raw, count) or internals.var_bytes_values(raw, count)
                or internals.ref_bytes_values(raw, count))
        assert fast is not None, f"no fast read for the {name} column ({type(raw).__qualname__})"
        if isinstance(fast, tuple):  # (references, unique values)
            refs, uniques = fast
            fast = [uniques[r] for r in refs]
        assert list(fast) == public, name


def test_posting_blocks_equal_the_public_matcher(reader):
    checked = 0
    for leaf, _offset in reader.reader().leaf_readers():
        terms = [(fieldname, btext) for fieldname in ("name", "description", "words", "category")
                 for btext in list(leaf.lexicon(fieldname))[:5]]
        for fieldname, btext in terms:
            matcher = leaf.postings(fieldname, btext)  # skips deleted documents
            public = []
            while matcher.is_active():
                public.append((matcher.id(), matcher.weight()))
                matcher.next()
            blocks = [(d, w) for ids, weights in internals.posting_blocks(leaf, fieldname, btext)
                      for d, w in zip(ids, weights) if not leaf.is_deleted(d)]  # blocks include deleted ones
            assert blocks == public, (fieldname, btext)
            checked += 1
    assert checked >= 20


def test_field_length_column_equals_doc_field_length(reader):
    from whoosh.util.numeric import byte_to_length

    for leaf, _offset in reader.reader().leaf_readers():
        column = internals.field_length_column(leaf, "name")
        if column is None:
            assert not leaf.has_column("price"), "a product segment without its length column"
            continue
        lengths = internals.numeric_column_array(column, leaf.doc_count_all())
        assert lengths is not None
        for docnum in range(leaf.doc_count_all()):
            # (Whoosh answers None, not the default, for a length of 0: the meta document.)
            expected = leaf.doc_field_length(docnum, "name", 0)
            assert (byte_to_length(lengths[docnum]) if lengths[docnum] else None) == expected


def test_bm25f_parameters(reader):
    assert internals.plain_bm25f(reader.weighting) == (reader.weighting.B, reader.weighting.K1)
    from whoosh.scoring import TF_IDF

    assert internals.plain_bm25f(TF_IDF()) is None
