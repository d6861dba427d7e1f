"""The one analysis chain: how product text and shopper text become search terms. The index (schema.py),
the results page and the suggestions (query.py), "did you mean" and the highlights all call it, so a
word typed in the box is cut exactly as the same word was cut in a product's name.

The chain, in order:
1. Unicode and case folding: NFKD, combining marks dropped, casefold (Fjällräven = fjallraven,
   L'Oréal = l'oreal, Straße = strasse); curly apostrophes become straight ones.
2. Words are runs of letters and digits that may hold inner apostrophes, hyphens, dots and ampersands
   ("levi's", "t-shirt", "mtp-1290bl", "m&m's", "ecam22.110.b"): one compound word each.
3. Possessives: a final 's is dropped ("levi's" -> levi, "women's" -> women); the word is also indexed
   with a plain s ("m&m's" -> mm and mms), so a shopper who leaves the apostrophe out still finds it.
4. Compounds are indexed joined and split: "t-shirt" -> tshirt, t, shirt; "mtp-1290bl" -> mtp1290bl,
   mtp, 1290bl; "l'oreal" -> loreal, l, oreal.
5. A number followed by a unit is one more term: "300 ml" -> 300ml (as well as 300 and ml), so "300 ml"
   and "300ml" find each other; "32 gb" = "32gb".
6. English stop words are dropped (as single words; never inside a compound).
7. Words with letters only are stemmed by the Snowball English stemmer (snowballstemmer, behind Whoosh's
   StemFilter): running/run, cropped/crop, knitted/knit, dresses/dress, kurtas/kurta. A word with a digit
   is kept whole: s10, 32gb, 1001 (never 100 or 101).
8. Synonyms (app/search/synonyms.txt, one group per line) are applied to the shopper's words only, so an
   edit of the file changes answers without a reindex: gray finds grey, tee finds tshirt.

The `words` field keeps steps 1-6 without stemming: as-you-type prefixes and spelling corrections work on
the words as written ("headphone" is a prefix of "headphones", not of the stem "headphon").

ANALYSIS_VERSION names this chain; the index stores the version it was built with, and an index built
with another is not used (the database answers) until `flask search reindex` rebuilds it (a small
catalog is rebuilt by the first search).
"""
import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import snowballstemmer
from whoosh.analysis import STOP_WORDS, Filter, StemFilter, Token, Tokenizer

ANALYSIS_VERSION = "2"  # 1: Whoosh's RegexTokenizer + Porter; 2: this chain

SYNONYMS_FILE = Path(__file__).with_name("synonyms.txt")
# Units that a number before them is joined to ("300 ml" -> 300ml). Only units: "55 inch" stays apart.
UNITS = frozenset("ml cl l g kg mg oz lb lbs gb tb mb mah w kw v mm cm m hz".split())
STOPS = frozenset(STOP_WORDS)

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'"})
COMPOUND = re.compile(r"[^\W_]+(?:['&.\-][^\W_]+)*")
_SEPARATOR = re.compile(r"['&.\-]")
_POSSESSIVE = re.compile(r"'s$")


def fold(text):
    """Lower-case, accent-free text: NFKD, combining marks dropped, casefold."""
    if text.isascii():  # most catalog text: no accents to drop (and lower() is casefold() for ASCII)
        return text.replace("`", "'").lower()
    decomposed = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@dataclass(frozen=True)
class Word:
    """One word as written, after folding: `text` is the joined form, `parts` its pieces (one piece for
    a plain word), `possessive` when a final 's was dropped, `unit` when a number and a unit were joined."""

    text: str
    parts: tuple
    possessive: bool = False
    unit: bool = False

    @property
    def compound(self):
        return len(self.parts) > 1

    @property
    def has_digit(self):
        return any(c.isdigit() for c in self.text)

    @property
    def alphabetic(self):
        return self.text.isalpha()


def split_words(text):
    """The Words of `text` in order, stop words included (the caller decides)."""
    words = []
    for match in COMPOUND.finditer(fold(text or "")):
        token = match.group()
        stripped = _POSSESSIVE.sub("", token)
        parts = tuple(p for p in _SEPARATOR.split(stripped) if p)
        if parts:
            words.append(Word("".join(parts), parts, possessive=stripped != token))
    return _join_units(words)


def _join_units(words):
    joined, i = [], 0
    while i < len(words):
        word = words[i]
        following = words[i + 1] if i + 1 < len(words) else None
        if following is not None and word.text.isdigit() and following.text in UNITS and not word.compound:
            joined.append(Word(word.text + following.text, (word.text, following.text), unit=True))
            i += 2
            continue
        joined.append(word)
        i += 1
    return joined


def is_stop(word):
    return not word.compound and word.text in STOPS


def surface_forms(word):
    """Every unstemmed term a Word is indexed under: joined, the parts, and the possessive's plain s."""
    forms = [word.text]
    if word.possessive:
        forms.append(word.text + "s")
    if word.compound:
        forms.extend(p for p in word.parts if p not in forms)
    return forms


_per_thread = threading.local()


def _snowball():
    """This thread's stemmer: a Snowball stemmer keeps the word being stemmed in itself, so two threads
    sharing one (two requests building the index) would stem each other's words."""
    stemmer = getattr(_per_thread, "stemmer", None)
    if stemmer is None:
        stemmer = _per_thread.stemmer = snowballstemmer.stemmer("english")
    return stemmer


def stem_word(word):
    """Snowball English for words of letters; a word with a digit (a size, a model number) stays whole."""
    if not word.isalpha():
        return word
    return _snowball().stemWord(word)


class ShopTokenizer(Tokenizer):
    """Whoosh tokenizer for steps 1-6: yields every surface form of every word that is not a stop word.
    Positions are not kept (the schema has phrase=False), so they are only counted."""

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True, start_pos=0,
                 start_char=0, tokenize=True, mode="", **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            token.original = token.text = value
            token.boost = 1.0
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar, token.endchar = start_char, start_char + len(value)
            yield token
            return
        position = start_pos
        for number, form in _index_forms(value):
            token.word = number
            token.text = form
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = form
            if positions:
                token.pos = position
                position += 1
            if chars:
                token.startchar = token.endchar = start_char
            yield token


def _index_forms(text):
    """(word number, surface form) for every form of every word of `text`: what split_words and
    surface_forms give, without building a Word per word (indexing a description is mostly plain words,
    and this is the index build's inner loop)."""
    number_before = None
    for number, match in enumerate(COMPOUND.finditer(fold(text))):
        token = match.group()
        if _SEPARATOR.search(token) is None:  # a plain word
            if number_before is not None and token in UNITS:
                yield number - 1, number_before + token  # "300 ml" -> 300ml
            if token not in STOPS:
                yield number, token
            number_before = token if token.isdigit() else None
            continue
        number_before = None
        stripped = _POSSESSIVE.sub("", token)
        parts = [p for p in _SEPARATOR.split(stripped) if p]
        if not parts:
            continue
        word = Word("".join(parts), tuple(parts), possessive=stripped != token)
        for form in surface_forms(word):
            yield number, form


class OncePerWord(Filter):
    """Drops a term that one word already gave ("levi's" -> levi, levis -> levi, levi): a possessive
    or a compound must not count twice in BM25's term frequency and field length."""

    def __call__(self, tokens):
        current, seen = None, set()
        for token in tokens:
            word = getattr(token, "word", None)
            if word != current:
                current, seen = word, set()
            if token.text in seen:
                continue
            seen.add(token.text)
            yield token


# The two analyzers of the schema. StemFilter with an unbounded cache: a catalog's vocabulary is small.
STEMMED = ShopTokenizer() | StemFilter(stemfn=stem_word, cachesize=-1) | OncePerWord()
PLAIN = ShopTokenizer()


def term(form):
    """The stemmed-field term of one surface form."""
    return _cached_stem(form)


@lru_cache(maxsize=100_000)
def _cached_stem(form):
    return stem_word(form)


def index_terms(text):
    """The stemmed-field terms of `text`, as the index makes them."""
    return [token.text for token in STEMMED(text)]


def plain_terms(text):
    """The `words`-field terms of `text` (folded, not stemmed)."""
    return [token.text for token in PLAIN(text)]


# --- synonyms -----------------------------------------------------------------------------------------

def read_synonyms(path=SYNONYMS_FILE):
    """{term: frozenset of the terms of its group} from the synonyms file: one group per line, entries
    separated by commas, '#' starts a comment. Each entry goes through the chain, so "t-shirt" and
    "moisturising" are written as a shopper would write them. An entry of several words is skipped."""
    groups = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return {}
    for line in lines:
        line = line.split("#", 1)[0]
        entries = [e.strip() for e in line.split(",") if e.strip()]
        terms = set()
        for entry in entries:
            words = [w for w in split_words(entry) if not is_stop(w)]
            if len(words) == 1:
                terms.add(term(words[0].text))
        if len(terms) > 1:
            for one in terms:
                groups[one] = groups.get(one, frozenset()) | frozenset(terms)
    return groups


_synonyms = {"mtime": None, "groups": {}}


def synonyms_of(stemmed_term):
    """The terms that mean the same as `stemmed_term` (itself included). The file is re-read when it
    changes, so an edit needs no restart."""
    try:
        mtime = SYNONYMS_FILE.stat().st_mtime
    except FileNotFoundError:
        mtime = 0
    if mtime != _synonyms["mtime"]:
        _synonyms["groups"], _synonyms["mtime"] = read_synonyms(), mtime
    return _synonyms["groups"].get(stemmed_term, frozenset((stemmed_term,)))
