"""Finding products with plain SQL (SQLite and PostgreSQL): browsing without text, and the fallback for
text queries whenever the Whoosh index is unavailable.

Two queries per search, whatever the filters:
- one grouped pass over the matching rows that yields the total, the category counts (which ignore the
  category filter, so the shopper sees the other categories) and the price buckets (which ignore the
  price filter, so the shopper sees the other price ranges);
- one for the page itself, which also returns the text the highlights are cut from.
"""
import re

from markupsafe import escape
from sqlalchemy import and_, case, func, literal, or_, select

from app.catalog.models import Category, Product
from app.extensions import db
from app.search.results import PRICE_BUCKETS, PriceBucket, SearchQuery, SearchResult

MAX_TERMS = 12  # more words than this add nothing but SQL
SNIPPET_LENGTH = 160
# Characters that are query syntax elsewhere (Whoosh, web search habits) and never part of a word here.
SYNTAX_CHARACTERS = "\"'()[]{}*?!^~+,;:."


def search_terms(text):
    """The words of the query, lower-cased, with surrounding syntax characters stripped. Query syntax
    (AND, quotes, field:value) is not interpreted: every remaining word must simply appear."""
    terms = []
    for token in text.split():
        term = token.strip(SYNTAX_CHARACTERS).lower()
        if term and term not in terms:
            terms.append(term)
    return terms[:MAX_TERMS]


def _like_pattern(term):
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _matches(column, term):
    return column.ilike(_like_pattern(term), escape="\\")


def _text_condition(terms):
    """Every term must appear in the name, the brand or the description."""
    return and_(*[
        or_(_matches(Product.name, t), _matches(Product.brand, t), _matches(Product.description, t)) for t in terms
    ])


def _price_condition(min_price, max_price):
    conditions = []
    if min_price is not None:
        conditions.append(Product.price >= min_price)
    if max_price is not None:
        conditions.append(Product.price <= max_price)
    return and_(*conditions) if conditions else None


def _base_conditions(query, terms):
    """Filters shared by every part of the answer: active, text, in stock (not category, not price)."""
    conditions = [Product.is_active.is_(True)]
    if terms:
        # LIKE '%word%' reads every row anyway; through an is_active index SQLite reads them in index
        # order, three times slower than a plain scan at 100,000 products. Wrapping the column in a
        # function hides the index (PostgreSQL scans here regardless).
        conditions = [func.coalesce(Product.is_active, False).is_(True), _text_condition(terms)]
    if query.in_stock:
        conditions.append(Product.stock > 0)
    return conditions


def _as_flag(condition):
    return case((condition, 1), else_=0) if condition is not None else literal(1)


def _facets(query, terms):
    """Total, category counts and price buckets in one grouped pass."""
    price_ok = _price_condition(query.min_price, query.max_price)
    bucket_columns = [
        func.sum(_as_flag(_price_condition(low, high))).label(f"bucket_{i}")
        for i, (_label, low, high) in enumerate(PRICE_BUCKETS)
    ]
    rows = db.session.execute(
        select(Category.slug, func.sum(_as_flag(price_ok)).label("in_price"), *bucket_columns)
        .select_from(Product)
        .outerjoin(Category, Category.id == Product.category_id)
        .where(*_base_conditions(query, terms))
        .group_by(Category.slug)
    ).all()
    category_counts = {row.slug: int(row.in_price) for row in rows if row.slug is not None and row.in_price}
    chosen = [row for row in rows if query.category is None or row.slug == query.category]
    total = sum(int(row.in_price) for row in chosen)
    buckets = [
        PriceBucket(label=label, min_price=low, max_price=high, count=sum(int(row[2 + i]) for row in chosen))
        for i, (label, low, high) in enumerate(PRICE_BUCKETS)
    ]
    return total, category_counts, buckets


def _ordering(query, terms):
    sort = query.sort
    if sort == "relevance" and terms:
        # Without a ranking index: products whose name holds more of the words first, then the newest.
        name_hits = sum((_as_flag(_matches(Product.name, t)) for t in terms), literal(0))
        return [name_hits.desc(), Product.created_at.desc(), Product.id.desc()]
    if sort == "price_asc":
        return [Product.price.asc(), Product.id.asc()]
    if sort == "price_desc":
        return [Product.price.desc(), Product.id.desc()]
    if sort == "name":
        return [Product.name.asc(), Product.id.asc()]
    return [Product.created_at.desc(), Product.id.desc()]  # "newest", and "relevance" without text


def search_database(query: SearchQuery) -> SearchResult:
    terms = search_terms(query.text)
    total, category_counts, buckets = _facets(query, terms)
    conditions = _base_conditions(query, terms)
    price_ok = _price_condition(query.min_price, query.max_price)
    if price_ok is not None:
        conditions.append(price_ok)
    statement = select(Product.id, Product.name, Product.description).where(*conditions)
    if query.category is not None:
        statement = statement.join(Category, Category.id == Product.category_id).where(Category.slug == query.category)
    rows = []
    page = max(1, query.page)
    if total and (page - 1) * query.per_page < total:
        rows = db.session.execute(
            statement.order_by(*_ordering(query, terms)).limit(query.per_page).offset((page - 1) * query.per_page)
        ).all()
    highlights = {row.id: highlight_product(row.name, row.description, terms) for row in rows} if terms else {}
    return SearchResult(
        product_ids=[row.id for row in rows],
        total=total,
        category_counts=category_counts,
        price_buckets=buckets,
        highlights=highlights,
        backend="database",
    )


# --- highlights ---------------------------------------------------------------------------------------

def _term_pattern(terms):
    return re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)), re.IGNORECASE)


def mark_terms(text, terms):
    """Escape `text` and wrap each occurrence of a term in <mark>. Matching runs on the raw text and each
    piece is escaped on its own, so a term like "amp" never matches inside an escaped "&amp;"."""
    if not terms:
        return str(escape(text))
    pieces, position = [], 0
    for match in _term_pattern(terms).finditer(text):
        pieces.append(str(escape(text[position:match.start()])))
        pieces.append(f"<mark>{escape(match.group(0))}</mark>")
        position = match.end()
    pieces.append(str(escape(text[position:])))
    return "".join(pieces)


def snippet_around_match(text, terms, length=SNIPPET_LENGTH):
    """A window of `length` characters of `text` around the first term found, cut at spaces."""
    if len(text) <= length:
        return text
    match = _term_pattern(terms).search(text) if terms else None
    start = max(0, match.start() - length // 3) if match else 0
    start = min(start, len(text) - length)
    if start > 0:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < start + 20 else start
    end = min(len(text), start + length)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start + length // 2 else end
    return ("…" if start > 0 else "") + text[start:end] + ("…" if end < len(text) else "")


def highlight_product(name, description, terms):
    return {"name": mark_terms(name, terms), "snippet": mark_terms(snippet_around_match(description, terms), terms)}
