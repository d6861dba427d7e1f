"""Searching the Whoosh index: the results page (filters, facets, sorts, pages, "did you mean", the
terms to highlight) and the as-you-type suggestions. Raises IndexUnavailable whenever the index cannot answer, so
the caller can use the database instead.

The index is built lazily: the first search in a process with no index builds it in-process when the
catalog is small (tests, a fresh demo shop), and otherwise leaves the database to answer until
`flask search reindex` has run. Every search also checks, at most once per SEARCH_SYNC_INTERVAL, that the
index has caught up with the change log (other workers and other servers write the database too).
"""
import heapq
import logging
import threading
import time
from bisect import bisect_left
from collections import Counter
from functools import partial

from flask import current_app
from whoosh.query import Term

from app.search.feed import product_feed
from app.search.analysis import term
from app.search.index_store import IndexUnavailable, WriterBusy, live_searcher
from app.search.indexing import ensure_index, sync_index
from app.search.postings import Unsupported, evaluate
from app.search.query import Vocabulary, build_query, build_suggest_query, parse_text
from app.search.results import PRICE_BUCKETS, HighlightTerms, PriceBucket, SearchQuery, SearchResult, Suggestions

__all__ = ["IndexUnavailable", "search_index", "suggest_products"]

log = logging.getLogger(__name__)

FEW_RESULTS = 3  # below this, offer a spelling correction
MAX_MATCHES = 50_000  # scored matches considered for facets and sorting

_last_check = {}
_background = {}
_state_lock = threading.Lock()


def _cached(reader, key, compute):
    """Recent answers per index version (SEARCH_ANSWER_CACHE=False turns it off, e.g. to measure)."""
    return reader.cached(key, compute) if current_app.config["SEARCH_ANSWER_CACHE"] else compute()


def open_reader(index_dir, as_of=None):
    """The live (cached, refreshed) reader, building a small missing index and catching up with the
    change log first: at most once per SEARCH_SYNC_INTERVAL, or at once when the caller knows of a
    change (`as_of`, a change id) that the reader has not applied yet."""
    feed = product_feed()
    try:
        reader = live_searcher(index_dir)
    except IndexUnavailable:
        if not ensure_index(index_dir, feed, current_app.config["SEARCH_INLINE_BUILD_LIMIT"]):
            raise
        reader = live_searcher(index_dir)
    if as_of is None or reader.watermark < as_of:
        _catch_up(index_dir, reader, feed, now_please=as_of is not None)
    return reader.refresh()


def _catch_up(index_dir, reader, feed, now_please=False):
    now = time.monotonic()
    key = str(index_dir)
    if not now_please and now - _last_check.get(key, 0.0) < current_app.config["SEARCH_SYNC_INTERVAL"]:
        return
    _last_check[key] = now
    lag = feed.latest_change_id() - reader.watermark
    if lag <= 0:
        return
    if lag > current_app.config["SEARCH_INLINE_SYNC_LIMIT"]:
        _sync_in_background(current_app._get_current_object(), index_dir, feed)
        return
    try:
        sync_index(index_dir, feed, lock_timeout=0)  # someone else syncing: they will catch us up
    except WriterBusy:
        pass


def _sync_in_background(app, index_dir, feed):
    with _state_lock:
        running = _background.get(str(index_dir))
        if running is not None and running.is_alive():
            return

        def run():
            with app.app_context():
                try:
                    sync_index(index_dir, feed, lock_timeout=60)
                except Exception:  # logged; the next check tries again
                    log.exception("background search index sync failed")
                finally:
                    feed.end_read()

        thread = _background[str(index_dir)] = threading.Thread(target=run, name="search-sync", daemon=True)
        thread.start()


# --- results page ----------------------------------------------------------------------------------

def search_index(index_dir, query: SearchQuery, as_of=None) -> SearchResult:
    """The results page's answer from the index (see results.py). `as_of`: a change id the caller has
    seen; the index catches up to it first if it can (result.index_watermark says what it reached)."""
    reader = open_reader(index_dir, as_of)
    parsed = parse_text(query.text)
    built = build_query(reader.searcher.reader(), parsed, exact=query.exact) if not parsed.empty else None
    if built is None or built.query is None:
        return SearchResult(product_ids=[], total=0, price_buckets=_buckets({}), backend="whoosh",
                            index_watermark=reader.watermark)
    page_ids, total, category_counts, bucket_counts, corrected, showing_for = _cached(
        reader, ("results", repr(built.query), query), lambda: _answer(reader, built, parsed, query))
    return SearchResult(
        product_ids=page_ids, total=total, category_counts=dict(category_counts),
        price_buckets=_buckets(bucket_counts), highlight_terms=HighlightTerms(frozenset(built.stems), built.prefix),
        corrected_text=corrected, showing_for=showing_for, backend="whoosh", index_watermark=reader.watermark,
    )


def _answer(reader, built, parsed, query):
    """(page ids, total, category counts, price bucket counts, "did you mean" text, "showing results for"
    text) from the index alone.
    Every match is counted for the facets, but only the shown page is ranked and loaded."""
    scores = _match_scores(reader, built.query, query.in_stock)
    categories, prices, buckets = reader.column("category"), reader.column("price"), _bucket_column(reader)
    if query.category is None and query.min_price is None and query.max_price is None:
        selected = scores.keys()
        category_counts = Counter(categories[d] for d in selected)
        bucket_counts = Counter(buckets[d] for d in selected)
    else:
        category_counts, bucket_counts, selected = Counter(), Counter(), []
        for docnum in scores:
            slug, price = categories[docnum], prices[docnum]
            price_ok = _within(price, query.min_price, query.max_price)
            category_ok = query.category is None or slug == query.category
            if price_ok:
                category_counts[slug] += 1
            if category_ok:
                bucket_counts[buckets[docnum]] += 1
            if price_ok and category_ok:
                selected.append(docnum)
    category_counts.pop("", None)  # products without a category
    start = (max(1, query.page) - 1) * query.per_page
    top = _top(reader, scores, selected, query.sort, start + query.per_page)
    searcher = reader.searcher
    page_ids = [int(searcher.stored_fields(d)["pid"]) for d in top[start:]]
    showing_for = built.corrected if selected else None
    proposal = None
    if len(selected) < FEW_RESULTS and not (built.widened and selected):
        proposal = _proposal(reader, parsed, query, len(selected))
    return page_ids, len(selected), category_counts, bucket_counts, proposal, showing_for


def _match_scores(reader, whoosh_query, in_stock):
    """{docnum: relevance score} for every match (products in stock only when asked)."""
    try:
        terms = reader.term_cache(current_app.config["SEARCH_POSTINGS_CACHE"])
        scores = evaluate(terms, whoosh_query)
        if in_stock:
            stocked = terms.docs("in_stock", True)
            scores = {d: s for d, s in scores.items() if d in stocked}
        return scores
    except Unsupported:  # a query shape postings.py does not know: Whoosh's matchers (slower)
        stock_filter = Term("in_stock", True) if in_stock else None
        hits = reader.searcher.search(whoosh_query, filter=stock_filter, limit=MAX_MATCHES)
        return {docnum: score for score, docnum in hits.top_n}


def _top(reader, scores, docnums, sort, count):
    """The first `count` of `docnums` in the order asked for (ties: index order, as Whoosh does)."""
    if sort in ("price_asc", "price_desc"):
        prices, sign = reader.column("price"), (1 if sort == "price_asc" else -1)
        key = lambda d: (sign * prices[d], d)  # noqa: E731
    elif sort == "newest":
        created = reader.column("created")
        key = lambda d: (-created[d], d)  # noqa: E731
    elif sort == "name":
        names = reader.column("name_sort")
        key = lambda d: (names[d], d)  # noqa: E731
    else:  # relevance
        key = lambda d: (-scores[d], d)  # noqa: E731
    return heapq.nsmallest(count, docnums, key=key)


def _bucket_column(reader):
    """Each document's PRICE_BUCKETS index, computed once per index version."""
    def compute():
        # The buckets run in order without gaps (a test checks), so a price's bucket is the number
        # of upper bounds below it: one C-level bisect per document.
        uppers = [high for _low, high in PRICE_BUCKETS[:-1]]
        return list(map(partial(bisect_left, uppers), reader.column("price")))
    return reader.derived("price_bucket", compute)


def _within(price, low, high):
    return (low is None or price >= low) and (high is None or price <= high)


def _buckets(counts):
    return [PriceBucket(min_price=low, max_price=high, count=counts.get(i, 0))
            for i, (low, high) in enumerate(PRICE_BUCKETS)]


def corrected_text(searcher, parsed):
    """The query with each word of letters that the index does not know replaced by Whoosh's best
    suggestion (words with a digit are never touched), or None."""
    reader = searcher.reader()
    corrector = searcher.corrector("words")
    changed, words = False, []
    for word, _stem in parsed.words:
        suggestion = None
        if word.isalpha() and ("words", word) not in reader and len(word) >= 3:
            suggestions = [s for s in corrector.suggest(word, limit=3, maxdist=2, prefix=1) if s.isalpha()]
            suggestion = suggestions[0] if suggestions else None
        changed = changed or bool(suggestion and suggestion != word)
        words.append(suggestion or word)
    return " ".join(words) if changed else None


def _proposal(reader, parsed, query, own_count):
    """"Did you mean": a respelling that finds more products than the shopper's own words (after the
    same filters), or None. With exact=True the corrected query is the first candidate."""
    candidates = []
    if query.exact:
        corrected = build_query(reader.searcher.reader(), parsed).corrected
        if corrected:
            candidates.append(corrected)
    respelled = corrected_text(reader.searcher, parsed)
    if respelled and respelled not in candidates:
        candidates.append(respelled)
    for text in candidates:
        other = parse_text(text)
        built = build_query(reader.searcher.reader(), other)
        if built.query is None:
            continue
        scores = _match_scores(reader, built.query, query.in_stock)
        categories, prices = reader.column("category"), reader.column("price")
        count = sum(1 for d in scores if (query.category is None or categories[d] == query.category)
                    and _within(prices[d], query.min_price, query.max_price))
        if count > own_count:
            return text
    return None


# --- as you type ------------------------------------------------------------------------------------

def suggest_products(index_dir, text, limit=8, as_of=None) -> Suggestions:
    """Up to `limit` products for text being typed, best first (see _suggestion_docnums), with the
    terms to highlight them by."""
    reader = open_reader(index_dir, as_of)
    parsed = parse_text(text)
    vocabulary = reader.derived("vocabulary", lambda: Vocabulary(reader.searcher))
    built = build_suggest_query(reader.searcher.reader(), parsed, vocabulary) if not parsed.empty else None
    if built is None:
        return Suggestions([], HighlightTerms(), reader.watermark)
    docnums = _cached(reader, ("suggest", built.key(), limit), lambda: _suggestion_docnums(reader, built, limit))
    return Suggestions([int(reader.searcher.stored_fields(d)["pid"]) for d in docnums],
                       HighlightTerms(frozenset(built.stems), built.prefix), reader.watermark)


TOP_FIELDS = ("name", "brand")  # a suggestion whose word is in these comes before one matched elsewhere


def _category_docs_by_term(reader):
    """{term of a one-word category slug: its documents}, once per index version."""
    def compute():
        by_slug = {}
        for docnum, slug in enumerate(reader.column("category")):
            if slug and "-" not in slug:
                by_slug.setdefault(slug, set()).add(docnum)
        return {term(slug): docs for slug, docs in by_slug.items()}
    return reader.derived("category_docs_by_term", compute)


WALK_POOL = 2000  # candidates beyond which the most popular are found by walking the popularity order


def _popularity_order(reader):
    """Every document number, most popular first (ties: index order), once per index version."""
    def compute():
        popularity = reader.column("popularity")
        return sorted(range(len(popularity)), key=lambda d: (-popularity[d], d))
    return reader.derived("popularity_order", compute)


def _suggestion_docnums(reader, built, limit):
    """The suggestions' document numbers, best first: a SKU typed whole; then, for the word being typed,
    its completions from the most frequent ("pum": puma before pumps), each first where it is in the
    name or brand (or is a category's whole name), then where it is only in a longer category name;
    within that, the most popular (stock) first. With no word being typed, the last word's name or brand
    matches first. The complete words filter (an intersection over the cached term postings, rarest
    first), so every shown product has them all."""
    terms = reader.term_cache(current_app.config["SEARCH_POSTINGS_CACHE"])
    within = evaluate(terms, built.words_query) if built.words_query is not None else None
    popularity = reader.column("popularity")
    chosen, seen = [], set()

    def take(*groups):
        """Add the most popular documents that are in any of `groups` (and in `within`), up to `limit`."""
        groups = [g for g in groups if g]
        need = limit - len(chosen)
        size = sum(len(g) for g in groups)
        if within is not None and len(within) < size:
            pool = [d for d in within if d not in seen and any(d in g for g in groups)]
        elif size <= WALK_POOL:
            pool = {d for g in groups for d in g if d not in seen and (within is None or d in within)}
        else:
            # Thousands of candidates ("he" at 100,000 products): walk the documents from the most
            # popular and stop at the first `need` that qualify (about need x products / size steps).
            pool = []
            for docnum in _popularity_order(reader):
                if docnum not in seen and any(docnum in g for g in groups) and (within is None or docnum in within):
                    pool.append(docnum)
                    if len(pool) == need:
                        break
        for docnum in heapq.nsmallest(need, pool, key=lambda d: (-popularity[d], d)):
            chosen.append(docnum)
            seen.add(docnum)
        return len(chosen) >= limit

    if built.sku and take(terms.docs("sku", built.sku)):
        return chosen
    if built.completions:
        completions = built.completions
        if within is not None:
            # After other words, the likeliest completion is the one found most often with them
            # ("yoga m": mat, not medium).
            within_docs = within.keys()
            counts = {c: len(within_docs & terms.docs("words", c[0])) for c in completions}  # walks the smaller
            completions = sorted((c for c in completions if counts[c]), key=lambda c: -counts[c])
        named = _category_docs_by_term(reader)
        for _word, stem in completions:
            # A category whose whole name is the word ("jewelry", "kurtas") counts as a name match.
            if take(named.get(stem), *(terms.docs(name, stem) for name in TOP_FIELDS)):
                return chosen
        for word, stem in completions:
            if take(terms.docs("category_name", stem), terms.docs("words", word)):
                return chosen
        return chosen
    if within is not None:
        if not take(*(terms.docs(name, t) for name in TOP_FIELDS for t in built.last_terms)):
            take(within)
    return chosen
