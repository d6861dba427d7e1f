"""Highlights: escaped HTML with the matched words in <mark>. Words are compared after the same
analysis as the index (so "headphone" marks "Headphones"), and each piece of text is escaped on its own,
so a match can never cut through an HTML entity."""
from functools import lru_cache

from markupsafe import Markup, escape

from app.search.analysis import COMPOUND, index_terms, plain_terms

SNIPPET_LENGTH = 160


@lru_cache(maxsize=100_000)
def _word_terms(word):
    """What the index made of this one compound word (a match of analysis.COMPOUND): its stemmed terms
    and its unstemmed forms (empty for a stop word). Running the chain on each word alone gives exactly
    what it gives inside the text (a number and its unit are both marked either way), and the cache
    makes a description's words cost a dict lookup each instead of a trip through the chain (which was
    a quarter of the results page's time)."""
    return frozenset(index_terms(word)), tuple(plain_terms(word))


def _marked_spans(text, stems, prefix=None):
    spans = []
    for match in COMPOUND.finditer(text):
        terms, forms = _word_terms(match.group())
        if terms & stems or (prefix and any(form.startswith(prefix) for form in forms)):
            spans.append(match.span())
    return spans


def _render(text, spans, start=0, end=None):
    end = len(text) if end is None else end
    pieces, position = [], start
    for span_start, span_end in spans:
        if span_start < start or span_end > end:
            continue
        pieces.append(str(escape(text[position:span_start])))
        pieces.append(f"<mark>{escape(text[span_start:span_end])}</mark>")
        position = span_end
    pieces.append(str(escape(text[position:end])))
    return "".join(pieces)


def highlight_name(name, stems, prefix=None):
    return _render(name, _marked_spans(name, stems, prefix))


def highlight_snippet(description, stems, length=SNIPPET_LENGTH):
    """A window of about `length` characters around the first match, cut at spaces, marked."""
    spans = _marked_spans(description, stems)
    if len(description) <= length:
        return _render(description, spans)
    first = spans[0][0] if spans else 0
    start = max(0, min(first - length // 3, len(description) - length))
    if start > 0:
        space = description.find(" ", start)
        start = space + 1 if 0 <= space < first else start
    end = min(len(description), start + length)
    if end < len(description):
        space = description.rfind(" ", start, end)
        end = space if space > start + length // 2 else end
    return ("…" if start > 0 else "") + _render(description, spans, start, end) + ("…" if end < len(description) else "")


def highlight_product(name, description, terms):
    """{"name": Markup, "snippet": Markup} for a product card: the escaped text with <mark> around the
    matched words (the only HTML a card takes from outside its template)."""
    return {"name": Markup(highlight_name(name, terms.stems, terms.prefix)),
            "snippet": Markup(highlight_snippet(description, terms.stems))}
