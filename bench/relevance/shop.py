"""The shop's answers as a shopper sees them: the product cards of the real /search page and the
product rows of the real /search/suggest fragment, in page order, read from the HTML the app serves
(through Flask's test client, so every layer from the view to the template is the one in production).

The ids are read from the stable element ids the templates give each card and row
(`product-card-<id>`, `suggestion-<id>`); a template that renamed them would make every query score 0,
which the relevance test would catch at once.
"""
import html
import re

CARD = re.compile(r'id="product-card-(\d+)"')
SUGGESTION = re.compile(r'id="suggestion-(\d+)"')
DID_YOU_MEAN = re.compile(r'id="did-you-mean".*?<a [^>]*>(.*?)</a>', re.S)
HX = {"HX-Request": "true"}


class ShopError(RuntimeError):
    pass


def _get(client, path, text, headers=None):
    response = client.get(path, query_string={"q": text}, headers=headers or {})
    if response.status_code != 200:
        raise ShopError(f"GET {path}?q={text!r} answered {response.status_code}")
    return response.get_data(as_text=True)


def results_page(client, text):
    """(product ids of the first results page in order, the "Did you mean" text or None)."""
    page = _get(client, "/search", text)
    proposal = DID_YOU_MEAN.search(page)
    return [int(i) for i in CARD.findall(page)], (html.unescape(proposal.group(1)).strip() if proposal else None)


def suggestions(client, text):
    """Product ids of the suggestion rows, in order."""
    return [int(i) for i in SUGGESTION.findall(_get(client, "/search/suggest", text, HX))]
