"""Highlights: escaped HTML with the matched words in <mark>. Words are compared after the same
analysis as the index (so "headphone" marks "Headphones"), and each piece of text is escaped on its own,
so a match can never cut through an HTML entity."""
import re
from functools import lru_cache

from markupsafe import Markup, escape

from app.search.schema import STEMMED, TOKEN_PATTERN

SNIPPET_LENGTH = 160
_WORD = re.compile(TOKEN_PATTERN)


@lru_cache(maxsize=100_000)
def _index_stem(word):
    """What the index made of this one word (a match of TOKEN_PATTERN): its stem, or None for a stop
    word. Running the analyzer on each word alone gives exactly what it gives inside the text, and the
    cache makes a description's words cost a dict lookup each instead of a trip through Whoosh's token
    pipeline (which was a quarter of the results page's time)."""
    tokens = [token.text for token in STEMMED(word)]
    return tokens[0] if tokens else None


def _marked_spans(text, stems, prefix=None):
    spans = []
    for match in _WORD.finditer(text):
        word = match.group()
        stem = _index_stem(word)
        if stem is not None and (stem in stems or (prefix and word.lower().startswith(prefix))):
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
