"""What the Whoosh index holds, and how product text becomes index terms (and query text, the same way).

The schema is lean on purpose: the index stores only the product id (the pages read everything else
from the database), indexes text without positions (no phrase queries, a third fewer postings), and
keeps the sort keys (price, created, name) in columns instead of indexed terms.

Fields:
- pid          product id, the unique key (stored; also the id of the one "meta" document below)
- name         analysed (app/search/analysis.py: folded, compounds joined and split, Snowball stems), boosted most
- brand        stemmed
- category     the category slug: filter and facet (a column too)
- category_name stemmed
- description  stemmed
- sku          lower-cased, exact
- words        name + brand + category words, analysed but NOT stemmed: as-you-type prefixes match
               what the shopper typed ("headphone" is a prefix of "headphones", not of the stem
               "headphon"), and Whoosh's spelling corrector suggests real words from it
- price        minor units: indexed for range filters, a column for sorting and price buckets
- in_stock     boolean filter
- created      column only (sort "newest")
- name_sort    column only (sort "name")
- popularity   column only: ranks suggestions that match equally well (the stock for now; sales or
               views once analytics has them)
- watermark    stored on the meta document only: the last ProductChange id applied to this index
- analysis     stored on the meta document only: the ANALYSIS_VERSION the index was built with
"""
from whoosh import columns, fields

from app.search.analysis import ANALYSIS_VERSION, PLAIN, STEMMED, index_terms, plain_terms  # noqa: F401

stem_terms = index_terms  # the stemmed fields' terms of a text

META_ID = "meta"  # pid of the document that carries the watermark (never matches product queries)
# Query-time boosts (index weights stay plain term frequencies).
NAME_BOOST = 4.0
BRAND_BOOST = 2.0
CATEGORY_BOOST = 1.5


def build_schema():
    return fields.Schema(
        pid=fields.ID(stored=True, unique=True),
        name=fields.TEXT(analyzer=STEMMED, phrase=False),
        brand=fields.TEXT(analyzer=STEMMED, phrase=False),
        category=fields.ID(sortable=True),
        category_name=fields.TEXT(analyzer=STEMMED, phrase=False),
        description=fields.TEXT(analyzer=STEMMED, phrase=False),
        sku=fields.ID(),
        words=fields.TEXT(analyzer=PLAIN, phrase=False),
        # shift_step=8: four indexed terms per price instead of eight; ranges are still fast.
        price=fields.NUMERIC(int, bits=32, signed=False, shift_step=8, sortable=True),
        in_stock=fields.BOOLEAN(),
        created=fields.COLUMN(columns.NumericColumn("q", default=0)),
        name_sort=fields.COLUMN(columns.VarBytesColumn()),
        popularity=fields.COLUMN(columns.NumericColumn("I", default=0)),
        watermark=fields.STORED(),
        analysis=fields.STORED(),
    )


def product_document(row):
    """The index document for one product row (id, sku, name, brand, description, price, stock,
    created_at, category_slug, category_name)."""
    category_name = row.category_name or ""
    return {
        "pid": str(row.id),
        "name": row.name,
        "brand": row.brand,
        "category": row.category_slug or "",
        "category_name": category_name,
        "description": row.description,
        "sku": row.sku.lower(),
        "words": f"{row.name} {row.brand} {category_name}",
        "price": row.price,
        "in_stock": row.stock > 0,
        "created": int(row.created_at.timestamp()),
        "name_sort": row.name.lower().encode("utf-8")[:120],
        "popularity": min(max(row.stock, 0), 2**32 - 1),
    }


def meta_document(watermark):
    """The meta document: the watermark, and the analysis chain the index was built with."""
    return {"pid": META_ID, "watermark": watermark, "analysis": ANALYSIS_VERSION}
