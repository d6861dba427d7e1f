"""Shopper text -> Whoosh query objects. No query parser: the text is split into words here, so quotes,
brackets, *, AND/OR/NOT, field:value, emoji or 10,000 characters are just (ignored) characters, never
syntax and never an exception.

Matching rules:
- every word must match (AND), in any of name, brand, category or description, scored by where it
  matched (name counts most) and by BM25; stemming makes "headphone" find "headphones";
- a word of 4+ letters that the index does not know is widened to the known words one edit away
  ("hedphones" -> "headphones"); known words are never widened, so common queries stay fast;
- as-you-type (build_suggest_query) looks only at name, brand and category words: the last word is a
  prefix from 2 letters on, and only its most frequent completions are used;
- a whole token that looks like a SKU ("aud-000123") also matches the SKU exactly.
"""
import re
from dataclasses import dataclass, field

from whoosh.query import And, Or, Term

from app.search.schema import BRAND_BOOST, CATEGORY_BOOST, NAME_BOOST, plain_terms, stem_terms

MAX_QUERY_CHARS = 200
MAX_WORDS = 8
MIN_FUZZY_LENGTH = 4
MIN_PREFIX_LENGTH = 2
MAX_EXPANSIONS = 12  # known words a typo may stand for
MAX_SUGGEST_EXPANSIONS = 6  # known words an as-you-type prefix may stand for (the most frequent)
TEXT_FIELDS = (("name", NAME_BOOST), ("brand", BRAND_BOOST), ("category_name", CATEGORY_BOOST), ("description", 1.0))
SKU_PATTERN = re.compile(r"^[a-z]{2,5}-\d{3,10}$")


@dataclass
class ParsedText:
    words: list  # (plain word, stem) pairs, stop words dropped, duplicates dropped, in typed order
    sku: str | None = None
    last_is_partial: bool = False  # the text does not end with a space: the last word is still being typed

    @property
    def empty(self):
        return not self.words and not self.sku


def parse_text(text):
    text = (text or "")[:MAX_QUERY_CHARS]
    words, seen = [], set()
    for word in plain_terms(text):
        stems = stem_terms(word)
        if not stems or word in seen:  # a stop word, or said twice
            continue
        seen.add(word)
        words.append((word, stems[0]))
        if len(words) == MAX_WORDS:
            break
    tokens = [t.strip("\"'()[]{}*?!^~+,;:.").lower() for t in text.split()]
    sku = next((t for t in tokens if SKU_PATTERN.match(t)), None)
    return ParsedText(words=words, sku=sku, last_is_partial=bool(text) and not text[-1].isspace())


@dataclass
class BuiltQuery:
    query: object  # a whoosh.query.Query, or None when nothing can match
    stems: set = field(default_factory=set)  # every stem searched for, typo variants included (highlights)
    prefix: str | None = None  # the as-you-type prefix (highlights)
    widened: list = field(default_factory=list)  # words that needed typo widening


def _known(reader, word, stem):
    return ("words", word) in reader or any((name, stem) in reader for name, _boost in TEXT_FIELDS)


def _variants(reader, word, stem):
    """The stems to search for `word`: itself when the index knows it, else its one-edit neighbours."""
    if len(word) < MIN_FUZZY_LENGTH or _known(reader, word, stem):
        return [stem], False
    found = set()
    for close_word in reader.terms_within("words", word, 1, prefix=1):
        found.update(stem_terms(close_word))
    for name, _boost in TEXT_FIELDS:
        found.update(reader.terms_within(name, stem, 1, prefix=1))
    return (sorted(found)[:MAX_EXPANSIONS] or [stem]), bool(found)


def _word_query(stems):
    # Or sums the fields' scores (a word in the name AND the description counts more). Whoosh's
    # DisjunctionMax would fit better but scores documents it did not match (a bug in 2.7.x).
    return Or([Term(name, stem, boost=boost) for name, boost in TEXT_FIELDS for stem in stems])


def build_query(reader, parsed):
    """The results-page query: every word in any text field (typos widened), or the SKU."""
    built = BuiltQuery(query=None)
    clauses = []
    for word, stem in parsed.words:
        stems, widened = _variants(reader, word, stem)
        if widened:
            built.widened.append(word)
        built.stems.update(stems)
        clauses.append(_word_query(stems))
    built.query = _with_sku(And(clauses) if len(clauses) > 1 else (clauses[0] if clauses else None), parsed)
    return built


def build_suggest_query(reader, parsed):
    """The as-you-type query, on the one small `words` field (name, brand, category; not stemmed):
    complete words match exactly (or one edit away, or as the start of a longer word: "headphone"
    -> "headphones"), the word being typed matches as a prefix from 2 letters on."""
    built = BuiltQuery(query=None)
    words = list(parsed.words)
    partial = words.pop() if parsed.last_is_partial and words else None
    if partial is not None and len(partial[0]) < MIN_PREFIX_LENGTH:
        partial = None  # one letter says nothing yet: wait for the next
    clauses = []
    for word, _stem in words:
        if ("words", word) in reader:
            variants = [word]
        else:
            variants = list(_prefix_terms(reader, word, MAX_SUGGEST_EXPANSIONS))
            if len(word) >= MIN_FUZZY_LENGTH:
                variants += [t for t in reader.terms_within("words", word, 1, prefix=1) if t not in variants]
            variants = variants[:MAX_EXPANSIONS] or [word]
        built.stems.update(stem for v in variants for stem in stem_terms(v))
        clauses.append(_words_query(variants))
    if partial is not None:
        built.prefix = partial[0]
        expansions = _prefix_terms(reader, partial[0], MAX_SUGGEST_EXPANSIONS)
        if not expansions:
            return built  # nothing starts with it: no suggestions
        clauses.append(_words_query(expansions))
    # Rarest clause first: And() then skips through the long posting lists instead of walking them.
    clauses.sort(key=lambda clause: _estimate(reader, clause))
    built.query = _with_sku(And(clauses) if len(clauses) > 1 else (clauses[0] if clauses else None), parsed)
    return built


def _words_query(terms):
    return Or([Term("words", t) for t in terms]) if len(terms) > 1 else Term("words", terms[0])


def _estimate(reader, clause):
    terms = clause.subqueries if isinstance(clause, Or) else [clause]
    return sum(reader.doc_frequency("words", t.text) for t in terms)


def _with_sku(query, parsed):
    if not parsed.sku:
        return query
    sku_query = Term("sku", parsed.sku, boost=10.0)
    return Or([query, sku_query]) if query is not None else sku_query


def _prefix_terms(reader, prefix, limit):
    """The `limit` most frequent known words starting with `prefix` (looking at 200 at most)."""
    terms = []
    for term in reader.expand_prefix("words", prefix):
        terms.append(term if isinstance(term, str) else term.decode("utf-8"))
        if len(terms) >= 200:
            break
    if len(terms) > limit:
        terms.sort(key=lambda t: -reader.doc_frequency("words", t))
        terms = terms[:limit]
    return terms

