"""Shopper text -> Whoosh query objects. No query parser: the text is cut into words by the analysis chain
(app/search/analysis.py), so quotes, brackets, *, AND/OR/NOT, field:value, emoji or 10,000 characters are
just (ignored) characters, never syntax and never an exception.

Matching rules (results page):
- every word must match (AND), in any of name, brand, category or description, scored by where it
  matched (name counts most) and by BM25; a word also matches its synonyms (synonyms.txt);
- a compound word matches joined or as all of its parts ("t-shirt": tshirt, or t and shirt);
- two words that the index knows joined also match joined ("back pack" also finds "backpack");
- a word of letters only that the index does not know is split into two known words when it can be
  ("hairdryer" -> hair dryer), else widened to the known words one edit away ("hedphones" -> headphones);
- a word with a digit is never widened by an edit (1001 is not 101, 60233 is not 60232); unknown, it
  matches the known codes that start with it ("af300" -> af300uk);
- exact=True (the shopper's "search for the exact words" link) turns splitting and widening off;
- a whole token that looks like a SKU ("aud-000123") also matches the SKU exactly.

As you type (build_suggest_query): the same analysis on every word; complete words match like the
results page's, the last word (still being typed) as a prefix of the words as written, or, when nothing
starts with it, one edit away.
"""
import re
import threading
from bisect import bisect_left
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import lru_cache

from whoosh.query import And, Or, Term

from app.search.analysis import is_stop, split_words, surface_forms, synonyms_of, term
from app.search.schema import BRAND_BOOST, CATEGORY_BOOST, NAME_BOOST

MAX_QUERY_CHARS = 200
MAX_WORDS = 8
MIN_FUZZY_LENGTH = 4
MIN_PREFIX_LENGTH = 2
MIN_CODE_PREFIX = 3  # an unknown word with a digit completes to known codes from this length on
MIN_SPLIT_PART = 2
MAX_EXPANSIONS = 12  # known words a typo may stand for
MAX_SUGGEST_EXPANSIONS = 6  # known words an as-you-type prefix may stand for (the most frequent)
MAX_COMPLETIONS = 40  # the same after other words, which filter them
JOINED_BOOST = 2.0  # "back pack" found as "backpack" counts more than the two words apart
TEXT_FIELDS = (("name", NAME_BOOST), ("brand", BRAND_BOOST), ("category_name", CATEGORY_BOOST), ("description", 1.0))
SUGGEST_FIELDS = (("name", NAME_BOOST), ("brand", BRAND_BOOST), ("category_name", CATEGORY_BOOST))
SKU_PATTERN = re.compile(r"^[a-z]{2,5}-\d{3,10}$")


@dataclass
class ParsedText:
    words: list  # (word as written, its index term) pairs, stop words dropped, duplicates dropped, in order
    units: list = field(default_factory=list)  # the analysis.Word of each pair
    sku: str | None = None
    last_is_partial: bool = False  # the text does not end with a space: the last word is still being typed

    @property
    def empty(self):
        return not self.words and not self.sku


def parse_text(text):
    text = (text or "")[:MAX_QUERY_CHARS]
    words, units, seen = [], [], set()
    for word in split_words(text):
        if is_stop(word) or word.text in seen:  # a stop word, or said twice
            continue
        seen.add(word.text)
        words.append((word.text, term(word.text)))
        units.append(word)
        if len(words) == MAX_WORDS:
            break
    tokens = [t.strip("\"'()[]{}*?!^~+,;:.").lower() for t in text.split()]
    sku = next((t for t in tokens if SKU_PATTERN.match(t)), None)
    return ParsedText(words=words, units=units, sku=sku, last_is_partial=bool(text) and not text[-1].isspace())


@dataclass
class BuiltQuery:
    query: object  # a whoosh.query.Query, or None when nothing can match
    stems: set = field(default_factory=set)  # every term searched for, variants included (highlights)
    prefix: str | None = None  # the as-you-type prefix (highlights)
    widened: list = field(default_factory=list)  # words that needed typo widening, splitting or completing
    shown_words: list = field(default_factory=list)  # the words as searched, corrections in place

    @property
    def corrected(self):
        """The text the results came from when a word was corrected, else None."""
        return " ".join(self.shown_words) if self.widened else None


def _word_terms(word):
    """The stemmed terms one typed word stands for: itself (and its plain-s form) and their synonyms."""
    terms = {term(word.text)}
    if word.possessive:
        terms.add(term(word.text + "s"))
    for one in list(terms):
        terms |= synonyms_of(one)
    return sorted(terms)


def _known_term(reader, stemmed, fields=TEXT_FIELDS):
    return any((name, stemmed) in reader for name, _boost in fields)


def _terms_query(terms, fields=TEXT_FIELDS, boost=1.0):
    # Or sums the fields' scores (a word in the name AND the description counts more). Whoosh's
    # DisjunctionMax would fit better but scores documents it did not match (a bug in 2.7.x).
    return Or([Term(name, t, boost=b * boost) for name, b in fields for t in terms])


def _split(reader, text):
    """(left, right) known words that `text` is made of ("hairdryer" -> hair, dryer), the most common
    pair when several fit, or None."""
    best, best_count = None, 0
    for cut in range(MIN_SPLIT_PART, len(text) - MIN_SPLIT_PART + 1):
        left, right = text[:cut], text[cut:]
        count = min(reader.doc_frequency("words", left), reader.doc_frequency("words", right))
        if count > best_count:
            best, best_count = (left, right), count
    return best


def _fuzzy(reader, text):
    """The stemmed terms of known words one edit from `text` (letters only)."""
    found = set()
    for close_word in reader.terms_within("words", text, 1, prefix=1):
        if close_word.isalpha():
            found.add(term(close_word))
    for name, _boost in TEXT_FIELDS:
        found.update(t for t in reader.terms_within(name, term(text), 1, prefix=1) if t.isalpha())
    return sorted(found)[:MAX_EXPANSIONS]


def _code_completions(reader, text):
    """Known words with a digit that start with `text` ("af300" -> af300uk), most frequent first."""
    return [t for t in _prefix_terms(reader, text, MAX_EXPANSIONS) if any(c.isdigit() for c in t)]


def word_clause(reader, word, fields=TEXT_FIELDS, exact=False):
    """(the query for one typed word, the terms it searches, the word as searched or None when it was
    corrected into nothing, whether it was corrected)."""
    terms = _word_terms(word)
    alternatives = [_terms_query(terms, fields)]
    if word.compound and not word.unit:
        alternatives.append(And([_terms_query(_word_terms_of(part), fields) for part in word.parts]))
    known = any(_known_term(reader, t, fields) for t in terms) or (
        word.compound and all(_known_term(reader, term(p), fields) for p in word.parts))
    if known or exact:
        return _one(alternatives), set(terms), word.text, False
    if word.alphabetic and len(word.text) >= 2 * MIN_SPLIT_PART:
        pair = _split(reader, word.text)
        if pair is not None:
            clause = And([_terms_query(_word_terms_of(part), fields) for part in pair])
            return clause, {term(p) for p in pair}, " ".join(pair), True
    if word.alphabetic and len(word.text) >= MIN_FUZZY_LENGTH:
        close = _fuzzy(reader, word.text)
        if close:
            return _terms_query(close, fields), set(close), None, True
    if word.has_digit and len(word.text) >= MIN_CODE_PREFIX:
        codes = _code_completions(reader, word.text)
        if codes:
            # Named as what was typed, completed: "Showing results for casio mtp1290…".
            return _terms_query(codes, fields), set(codes), word.text + "\u2026", True
    return _one(alternatives), set(terms), word.text, False


def _word_terms_of(text):
    return _word_terms(split_words(text)[0]) if split_words(text) else [text]


def _one(alternatives):
    return alternatives[0] if len(alternatives) == 1 else Or(alternatives)


def build_query(reader, parsed, exact=False, fields=TEXT_FIELDS):
    """The results-page query: every word in any text field (corrected unless `exact`), or the SKU."""
    built = BuiltQuery(query=None)
    clauses, words = [], parsed.units
    index = 0
    while index < len(words):
        word = words[index]
        following = words[index + 1] if index + 1 < len(words) else None
        clause, terms, shown, corrected = word_clause(reader, word, fields, exact)
        joined = _joined(reader, word, following, fields)
        if joined is not None:
            # "back pack": both words as typed, or the one known word they make, which counts more.
            next_clause, next_terms, _shown, next_corrected = word_clause(reader, following, fields, exact=True)
            clause = Or([And([clause, next_clause]), _terms_query(joined, fields, JOINED_BOOST)])
            terms = terms | next_terms | set(joined)
            shown = f"{word.text} {following.text}"
            index += 1
        if corrected:
            built.widened.append(word.text)
        built.stems.update(terms)
        built.shown_words.append(shown if shown is not None else _best_correction(reader, word.text))
        clauses.append(clause)
        index += 1
    built.query = _with_sku(And(clauses) if len(clauses) > 1 else (clauses[0] if clauses else None), parsed)
    return built


def _joined(reader, word, following, fields):
    """The terms of two adjacent words of letters written as one known word, or None."""
    if following is None or not (word.alphabetic and following.alphabetic):
        return None
    together = word.text + following.text
    if ("words", together) not in reader:
        return None
    terms = _word_terms_of(together)
    return terms if any(_known_term(reader, t, fields) for t in terms) else None


def _best_correction(reader, text):
    """The most frequent known word one edit from `text` (what "Showing results for" names)."""
    close = [w for w in reader.terms_within("words", text, 1, prefix=1) if w.isalpha()]
    if not close:
        return text
    return max(close, key=lambda w: (reader.doc_frequency("words", w), w))


@dataclass
class BuiltSuggestion:
    """What the as-you-type ranking needs (whoosh_backend.suggest_products)."""

    words_query: object = None  # the complete words (And over name, brand, category), or None
    last_terms: list = field(default_factory=list)  # with no word being typed: the last word's terms
    completions: list = field(default_factory=list)  # the word being typed: known words it may become,
    # most frequent first, as (word as written, its stemmed term)
    sku: str | None = None
    stems: set = field(default_factory=set)
    prefix: str | None = None

    @property
    def empty(self):
        return self.words_query is None and not self.completions and not self.sku

    def key(self):
        return (repr(self.words_query), tuple(self.last_terms), tuple(self.completions), self.sku)


def build_suggest_query(reader, parsed, vocabulary=None):
    """The as-you-type question over name, brand and category: complete words as on the results page,
    the word being typed as a prefix of the words as written (from 2 letters on, or 1 after other
    words), or one edit away when nothing starts with it. Returns None when nothing can match."""
    built = BuiltSuggestion(sku=parsed.sku)
    units = list(parsed.units)
    partial = units.pop() if parsed.last_is_partial and units else None
    if partial is not None and len(partial.text) < (1 if units else MIN_PREFIX_LENGTH):
        partial = None  # one letter alone says nothing yet: wait for the next
    clauses = []
    for word in units:
        clause, terms, _shown, _corrected = word_clause(reader, word, SUGGEST_FIELDS)
        built.stems.update(terms)
        clauses.append(clause)
        built.last_terms = sorted(terms)
    if clauses:
        built.words_query = And(clauses) if len(clauses) > 1 else clauses[0]
    if partial is not None:
        built.prefix = partial.text
        # With other words before it, more completions are kept: the ranking uses only those that
        # occur with them ("yoga m": mat, not the most frequent m-words).
        expansions = _prefix_terms(reader, partial.text, MAX_COMPLETIONS if units else MAX_SUGGEST_EXPANSIONS,
                                   vocabulary)
        completions = [(e, term(e)) for e in expansions]
        if not completions and partial.alphabetic and len(partial.text) >= MIN_FUZZY_LENGTH:
            completions = _close_completions(reader, partial.text)
            built.prefix = None
        if not completions:
            return None if not built.sku else BuiltSuggestion(sku=built.sku)  # nothing starts with it
        built.completions = completions
        built.stems.update(t for _e, t in built.completions)
    return None if built.empty else built


def _close_completions(reader, text):
    """A misspelt word being typed: known words one edit away ("backpak" -> backpack), or known stems
    one edit from its stem ("hedphone" -> headphon, "sneakr" -> sneaker), as (word, stem) pairs."""
    words = sorted(reader.terms_within("words", text, 1, prefix=1), key=lambda t: -reader.doc_frequency("words", t))
    found = [(w, term(w)) for w in words[:MAX_SUGGEST_EXPANSIONS] if w.isalpha()]
    if not found:
        stems = reader.terms_within("name", term(text), 1, prefix=1)
        found = [(s, s) for s in sorted(stems, key=lambda t: -reader.doc_frequency("name", t)) if s.isalpha()]
    return found[:MAX_SUGGEST_EXPANSIONS]


def _with_sku(query, parsed):
    if not parsed.sku:
        return query
    sku_query = Term("sku", parsed.sku, boost=10.0)
    return Or([query, sku_query]) if query is not None else sku_query


def _prefix_terms(reader, prefix, limit, vocabulary=None):
    """The `limit` most frequent known words starting with `prefix` (looking at 200 at most), most
    frequent first. `vocabulary`: the index's Vocabulary, when the caller has one (much faster)."""
    if vocabulary is not None:
        return vocabulary.completions(prefix, limit)
    terms = []
    for found in reader.expand_prefix("words", prefix):
        terms.append(found if isinstance(found, str) else found.decode("utf-8"))
        if len(terms) >= 200:
            break
    terms.sort(key=lambda t: (-reader.doc_frequency("words", t), t))
    return terms[:limit]


class Vocabulary:
    """The `words` field's terms in order, with their document frequencies: prefix completions by
    bisection instead of Whoosh's term-file walks (8 ms per prefix at 100,000 products, most of a
    suggestion's cost). One sorted list per segment, kept across index versions (a segment never
    changes; a product edit adds a small one), so a new version reads only its new segments' terms."""

    SCAN = 200

    def __init__(self, searcher):
        self.parts = [_segment_words(leaf.reader()) for leaf, _offset in searcher.leaf_searchers()]

    def completions(self, prefix, limit):
        totals = {}
        for words, frequency in self.parts:
            start = bisect_left(words, prefix)
            for word in words[start:start + self.SCAN]:
                if not word.startswith(prefix):
                    break
                totals[word] = totals.get(word, 0) + frequency[word]
        return sorted(totals, key=lambda w: (-totals[w], w))[:limit]


_SEGMENT_WORDS = OrderedDict()  # segment id -> (sorted words, {word: document frequency})
_SEGMENT_WORDS_KEPT = 64
_segment_lock = threading.Lock()


def _segment_words(segment_reader):
    """One segment's `words` terms, read once per process (its term file, in order: well under a
    second for 88,000 words, where the multi-segment reader's iter_field took ≈20 s)."""
    key = segment_reader.segment().segment_id()
    with _segment_lock:
        found = _SEGMENT_WORDS.get(key)
        if found is not None:
            _SEGMENT_WORDS.move_to_end(key)
            return found
    frequency = {}
    for text, info in segment_reader.iter_field("words"):
        frequency[text if isinstance(text, str) else text.decode("utf-8")] = info.doc_frequency()
    found = (sorted(frequency), frequency)
    with _segment_lock:
        _SEGMENT_WORDS[key] = found
        while len(_SEGMENT_WORDS) > _SEGMENT_WORDS_KEPT:
            _SEGMENT_WORDS.popitem(last=False)
    return found


@lru_cache(maxsize=4096)
def _name_words(text):
    """The words of a brand or category name (asked for every suggestion request: cached)."""
    return tuple(w for w in split_words(text) if not is_stop(w))


def completes(text, name):
    """Does `name` (a brand or category name) read as a completion of the typed `text`? Every complete
    word equals one of the name's words (after the chain: "levis" = Levi's), in order, and the word
    being typed starts one ("tommy h" -> Tommy Hilfiger, "kurt" -> Kurtas, "l'or" -> L'Oréal Paris)."""
    typed = list(_name_words(text))
    words = _name_words(name)
    if not typed or not words:
        return False
    partial = typed.pop() if text and not text[-1].isspace() else None
    position = 0
    for word in typed:
        while position < len(words) and term(words[position].text) != term(word.text):
            position += 1
        if position == len(words):
            return False
        position += 1
    if partial is None:
        return True
    return any(term(w.text) == term(partial.text) or any(f.startswith(partial.text) for f in surface_forms(w))
               for w in words[position if typed else 0:])
