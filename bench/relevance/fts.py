"""The reference: SQLite FTS5 over the same products, the way a plain full-text search would answer.

One FTS5 table with the columns the shop indexes as text (name, brand, category name, description),
the porter stemmer over unicode61 (which also folds case and diacritics), and bm25 with the shop's
field weights (app/search/schema.py: name 4, brand 2, category 1.5, description 1). A query is every
word of the text, each quoted (so nothing the shopper types is FTS5 syntax), joined with AND; as you
type, the last word is a prefix query ("kurt"*) unless the text ends with a space. Ties go to the
lower product id, so the order is deterministic.

The query words are cut the way unicode61 cuts text (letters and digits; everything else separates),
not by the shop's own tokenizer, so the reference does not move when the shop's analysis changes.
"""
import re
import sqlite3

from app.search.schema import BRAND_BOOST, CATEGORY_BOOST, NAME_BOOST

WEIGHTS = (NAME_BOOST, BRAND_BOOST, CATEGORY_BOOST, 1.0)  # name, brand, category, description
_WORD = re.compile(r"[^\W_]+")


def build(rows):
    """An in-memory FTS5 index of (id, name, brand, category name, description) rows."""
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE VIRTUAL TABLE products_fts USING fts5(name, brand, category, description, "
                       "tokenize='porter unicode61')")
    connection.executemany("INSERT INTO products_fts(rowid, name, brand, category, description) VALUES (?, ?, ?, ?, ?)",
                           rows)
    connection.commit()
    return connection


def match_expression(text, prefix_last):
    words = _WORD.findall(text.lower())
    if not words:
        return None
    terms = [f'"{word}"' for word in words]
    if prefix_last and not text[-1:].isspace():
        terms[-1] += "*"
    return " AND ".join(terms)


def search(connection, text, limit, prefix_last=False):
    """Product ids, best first."""
    match = match_expression(text, prefix_last)
    if match is None:
        return []
    weights = ", ".join(str(w) for w in WEIGHTS)
    return [row[0] for row in connection.execute(
        f"SELECT rowid FROM products_fts WHERE products_fts MATCH ? ORDER BY bm25(products_fts, {weights}), rowid "
        "LIMIT ?", (match, limit))]
