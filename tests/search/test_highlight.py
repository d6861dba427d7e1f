"""Highlights mark the words the index would match, escaped, whatever the text holds."""
from app.catalog.seed import demo_product
from app.search.highlight import _marked_spans, highlight_name, highlight_snippet
from app.search.analysis import COMPOUND, index_terms, plain_terms
from app.search.schema import stem_terms

TRICKY = [
    "İstanbul Kettles, the KETTLE and a kettle's lid",
    "snake_case words_and 42-inch TVs; 3.5mm jack",
    "Café crème — naïve façade ÆON ß straße",
    "<b>bold</b> &amp; \"quoted\" kettle",
    "the of and a an to",  # stop words only
    "emoji 🎧 headphones 🎧",
    "",
]


def analyzer_spans(text, stems, prefix=None):
    """The reference: the index's analysis chain over each word, uncached."""
    return [match.span() for match in COMPOUND.finditer(text)
            if set(index_terms(match.group())) & stems
            or (prefix and any(form.startswith(prefix) for form in plain_terms(match.group())))]


def test_spans_are_those_of_the_index_analyzer():
    texts = TRICKY + [demo_product(1, i).description for i in range(200)] + [demo_product(1, i).name for i in range(200)]
    vocabulary = sorted({stem for text in texts for stem in stem_terms(text)})
    for n, text in enumerate(texts):
        stems = set(vocabulary[n % 7::7][:40]) | set(stem_terms(text)[:2])
        prefix = ["ke", "he", "ca", None][n % 4]
        assert _marked_spans(text, stems, prefix) == analyzer_spans(text, stems, prefix), text


def test_marks_are_escaped_and_stemmed():
    assert highlight_name("<b>Kettles</b> & more", {"kettl"}) == "&lt;b&gt;<mark>Kettles</mark>&lt;/b&gt; &amp; more"
    assert highlight_name("Headphones", set(), prefix="hea") == "<mark>Headphones</mark>"
    assert highlight_name("The headphones", {"the"}) == "The headphones"  # a stop word is never marked


def test_snippet_is_a_window_around_the_first_match():
    description = "word " * 100 + "kettle " + "tail " * 100
    snippet = highlight_snippet(description, {"kettl"})
    assert snippet.startswith("…") and snippet.endswith("…") and "<mark>kettle</mark>" in snippet
    assert len(snippet) < 200
