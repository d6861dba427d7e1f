"""Evaluating the results-page query with dict and set operations instead of Whoosh's matcher tree.

Why: at 100,000 products a broad word ("studio", "jacket") matches thousands of products, and the
facets need every match. Whoosh walks And(Or(name, brand, category, description), ...) one posting at a
time through several layers of Python matcher objects (≈20 ms for a two-word query that finds 100
products, several times that for broad words), scored or not. Here each term's postings are read once
per searcher, block by block, into {docnum: BM25 score}; a query is then unions (Or: scores summed) and
intersections (And: scores summed) of those dicts, which run at C speed, and the cache makes repeated
words (most of a shop's traffic) nearly free.

The scores are Whoosh's own BM25F (the searcher's idf, average field length and the per-document
length column, B=0.75, K1=1.2, times the query-time boost), summed the way Whoosh's Union and
Intersection matchers sum them, so the ranking is the one Whoosh would give. Only Term, And and Or are
understood (all that query.py builds); anything else raises Unsupported and the caller uses Whoosh.
"""
from collections import OrderedDict

from whoosh.query import And, Or, Term
from whoosh.util.numeric import byte_to_length

from app.search.whoosh_internals import field_length_column, numeric_column_array, plain_bm25f, posting_blocks

LENGTH_TABLE = [byte_to_length(b) for b in range(256)]


class Unsupported(Exception):
    """The query has a node this module does not evaluate; use Whoosh's matchers instead."""


class TermCache:
    """Per searcher: {(field, text): {docnum: unboosted score}} (least recently used dropped) and the
    per-segment field lengths they are computed from. Dropped with the searcher when the index changes."""

    def __init__(self, searcher, limit):
        self.searcher = searcher
        self.limit = limit
        self._terms = OrderedDict()
        self._size = 0
        self._norms = {}
        parameters = plain_bm25f(searcher.weighting)
        if parameters is None:
            raise Unsupported("only the default BM25F weighting is reproduced")
        self.B, self.K1 = parameters

    def scores(self, fieldname, text):
        key = (fieldname, text)
        found = self._terms.get(key)
        if found is not None:
            self._terms.move_to_end(key)
            return found
        found = self._terms[key] = self._read(fieldname, text)
        self._size += len(found)
        while self._size > self.limit and len(self._terms) > 1:
            _key, dropped = self._terms.popitem(last=False)
            self._size -= len(dropped)
        return found

    def docs(self, fieldname, text):
        """The matching document numbers (scores ignored), e.g. for a filter term."""
        return self.scores(fieldname, text).keys()

    def _read(self, fieldname, text):
        searcher = self.searcher
        field = searcher.schema[fieldname]
        try:
            btext = field.to_bytes(text)
        except ValueError:
            return {}
        if (fieldname, btext) not in searcher.reader():
            return {}
        scorable = field.scorable
        if scorable:
            # bm25() with the per-document part precomputed: idf * (tf * (K1 + 1) / (tf + norm)),
            # the same operations in the same order, so the same floats.
            idf, k1_plus_1 = searcher.idf(fieldname, btext), self.K1 + 1
        result = {}
        for leaf, offset in searcher.leaf_searchers():
            reader = leaf.reader()
            if (fieldname, btext) not in reader:
                continue
            norms = self._leaf_norms(reader, offset, fieldname) if scorable else None
            deleted = reader.deleted_docs_set if reader.has_deletions() else None
            for ids, weights in posting_blocks(reader, fieldname, btext):
                pairs = zip(ids, weights)
                if deleted:
                    pairs = [(d, w) for d, w in pairs if d not in deleted]
                if scorable:
                    result.update({d + offset: idf * ((w * k1_plus_1) / (w + norms[d])) for d, w in pairs})
                else:
                    result.update({d + offset: w for d, w in pairs})
        return result

    def _leaf_norms(self, reader, offset, fieldname):
        """K1 * ((1 - B) + B * length / average length) for each document of one segment."""
        key = (offset, fieldname)
        if key not in self._norms:
            avgfl = self.searcher.avg_field_length(fieldname) or 1
            K1, B = self.K1, self.B
            by_byte = [K1 * ((1 - B) + B * length / avgfl) for length in LENGTH_TABLE]
            column = _length_column(reader, fieldname)
            if column is None:
                lengths = [reader.doc_field_length(d, fieldname, 1) for d in range(reader.doc_count_all())]
                self._norms[key] = [K1 * ((1 - B) + B * length / avgfl) for length in lengths]
            else:
                self._norms[key] = list(map(by_byte.__getitem__, column))
        return self._norms[key]


def _length_column(reader, fieldname):
    """The segment's field lengths, one byte-encoded int per document, or None."""
    column = field_length_column(reader, fieldname)
    if column is None:
        return None
    # One byte per document on disk, read in one slice: per-document calls took ~65 ms per field at
    # 100,000 products, paid by the first query of each worker after every index change.
    lengths = numeric_column_array(column, reader.doc_count_all())
    return lengths if lengths is not None else list(column)


def evaluate(cache, query, within=None):
    """{docnum: score} for a tree of Term / And / Or, scored as Whoosh would; only documents in
    `within` (a set or dict) when given. And evaluates its rarest clause first and looks only at its
    matches in the others, so a rare word makes a broad one cheap."""
    if isinstance(query, Term):
        scores = cache.scores(query.fieldname, query.text)
        boost = query.boost
        if within is not None:
            if len(within) < len(scores):
                return {d: scores[d] * boost for d in within if d in scores}
            return {d: s * boost for d, s in scores.items() if d in within}
        return dict(scores) if boost == 1.0 else {d: s * boost for d, s in scores.items()}
    if isinstance(query, Or) and query.boost == 1.0 and not getattr(query, "scale", None):
        parts = sorted((evaluate(cache, q, within) for q in query.subqueries), key=len, reverse=True)
        if not parts:
            return {}
        merged = parts[0]
        for part in parts[1:]:
            for docnum, score in part.items():
                merged[docnum] = merged.get(docnum, 0.0) + score
        return merged
    if isinstance(query, And) and query.boost == 1.0:
        clauses = sorted(query.subqueries, key=lambda q: estimate(cache, q))
        if not clauses:
            return {}
        result = evaluate(cache, clauses[0], within)
        for clause in clauses[1:]:
            if not result:
                break
            part = evaluate(cache, clause, result)
            result = {d: result[d] + score for d, score in part.items()}
        return result
    raise Unsupported(f"cannot evaluate {type(query).__name__}")


def estimate(cache, query):
    """An upper bound of the number of matches (reads the terms' postings into the cache)."""
    if isinstance(query, Term):
        return len(cache.scores(query.fieldname, query.text))
    if isinstance(query, Or):
        return sum(estimate(cache, q) for q in query.subqueries)
    if isinstance(query, And):
        return min((estimate(cache, q) for q in query.subqueries), default=0)
    raise Unsupported(f"cannot evaluate {type(query).__name__}")
