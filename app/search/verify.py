"""Comparing the index with the database: which products are missing, extra or stale in the index."""
from dataclasses import dataclass, field

from app.search.columns import read_column
from whoosh.query import Term

from app.search.index_store import open_live_index, read_watermark
from app.search.schema import META_ID, product_document


@dataclass
class Drift:
    missing: list = field(default_factory=list)  # active products the index does not have
    extra: list = field(default_factory=list)  # indexed ids that are deleted or inactive
    stale: list = field(default_factory=list)  # indexed with other price, stock, category or name
    watermark: int = 0
    latest_change: int = 0

    @property
    def clean(self):
        return not (self.missing or self.extra or self.stale)

    def lines(self):
        yield f"index watermark {self.watermark}, latest change {self.latest_change}"
        for label, ids in (("missing from the index", self.missing), ("in the index but not active", self.extra),
                           ("stale in the index", self.stale)):
            if ids:
                shown = ", ".join(str(i) for i in ids[:50]) + (" …" if len(ids) > 50 else "")
                yield f"{len(ids)} {label}: {shown}"


def _indexed_values(searcher):
    """{product id: (category, price, in_stock, name_sort)} for every product document."""
    reader = searcher.reader()
    # Whole columns, one value per document (Whoosh's own multi-segment column reader skips segments
    # without the column, such as the watermark's, and shifts what follows; see columns.py).
    categories, prices, names = (read_column(reader, name) for name in ("category", "price", "name_sort"))
    in_stock = set(searcher.docs_for_query(Term("in_stock", True)))
    values = {}
    for docnum, stored in reader.iter_docs():
        if stored["pid"] == META_ID:
            continue
        values[int(stored["pid"])] = (categories[docnum], prices[docnum], docnum in in_stock,
                                      names[docnum])
    return values


def verify_index(index_dir, feed):
    """Compare the live index with the database. Raises IndexUnavailable when there is no index."""
    _path, ix = open_live_index(index_dir)
    with ix.searcher() as searcher:
        drift = Drift(watermark=read_watermark(searcher), latest_change=feed.latest_change_id())
        indexed = _indexed_values(searcher)
    expected = {}
    for row in feed.rows():
        document = product_document(row)
        expected[row.id] = (document["category"], document["price"], document["in_stock"], document["name_sort"])
    drift.missing = sorted(set(expected) - set(indexed))
    drift.extra = sorted(set(indexed) - set(expected))
    drift.stale = sorted(i for i in set(expected) & set(indexed) if expected[i] != indexed[i])
    return drift
