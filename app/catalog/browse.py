"""The listing answered by the database (SQLite and PostgreSQL): browsing without text, which is most of
a shop's traffic (all products, category pages, filters, sorts, any page number), and text queries
whenever the search index cannot answer. It returns the search contract's SearchResult, so the listing
page does not care who answered.

Two queries per listing, neither of which reads the products table itself (the query plans are checked
by tests/catalog/test_query_plans.py and by `python -m bench.pages`):
- the facets: one grouped pass over the covering index ix_products_facets that yields the total, the
  category counts (which ignore the category filter, so the shopper sees the other categories) and the
  price buckets (which ignore the price filter);
- the page: only the ids, read from the covering index of the sort in its order, so LIMIT/OFFSET steps
  over index entries, not rows, even at page 200; the catalog then loads those 24 rows by primary key.

Text without the index is a fallback: every word must appear in the name, brand or description
(LIKE '%word%', which reads every active row: no B-tree index can help, the search index is the fast
path). The words are the search engine's own (app.search.query.parse_text), so both back ends split,
drop and highlight words alike.
"""
from sqlalchemy import and_, case, func, literal, or_, select, true

from app.catalog.models import Category, Product
from app.extensions import db
from app.search.query import parse_text
from app.search.results import PRICE_BUCKETS, HighlightTerms, PriceBucket, SearchQuery, SearchResult


def browse_products(query: SearchQuery, categories=None) -> SearchResult:
    """`categories`: (id, slug) pairs of every category (read here when not given)."""
    if categories is None:
        categories = db.session.execute(select(Category.id, Category.slug)).all()
    slugs = {category_id: slug for category_id, slug in categories}
    # A compound word is its parts here ("t-shirt": t and shirt; "300 ml": 300 and ml), as LIKE cannot
    # see the joined form.
    words = [part for unit in parse_text(query.text).units for part in unit.parts] if query.text else []
    if query.text and not words:  # only punctuation or stop words: nothing can match
        return SearchResult(product_ids=[], total=0, price_buckets=_buckets([0] * len(PRICE_BUCKETS)),
                            highlight_terms=HighlightTerms(), backend="database")
    category_id = next((i for i, slug in slugs.items() if slug == query.category), None)
    if query.category is not None and category_id is None:
        category_id = -1  # an unknown slug matches nothing (the view drops unknown slugs before this)
    total, category_counts, buckets = _facets(query, words, category_id, slugs)
    page = max(1, query.page)
    ids = []
    if total and (page - 1) * query.per_page < total:
        ids = db.session.execute(
            select(Product.id).where(*_conditions(query, words, category_id, with_price=True))
            .order_by(*_ordering(query.sort, words)).limit(query.per_page).offset((page - 1) * query.per_page)
        ).scalars().all()
    terms = HighlightTerms(frozenset(stem for _word, stem in parse_text(query.text).words)) if words else None
    return SearchResult(product_ids=ids, total=total, category_counts=category_counts, price_buckets=buckets,
                        highlight_terms=terms, backend="database")


def _matches(column, word):
    pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return column.ilike(pattern, escape="\\")


def _price_condition(min_price, max_price):
    conditions = []
    if min_price is not None:
        conditions.append(Product.price >= min_price)
    if max_price is not None:
        conditions.append(Product.price <= max_price)
    return and_(*conditions) if conditions else None


def _conditions(query, words, category_id=None, with_price=False):
    """Active, in stock if asked, every word somewhere; the category and the price only when asked
    (the facets count across them)."""
    if words:
        # LIKE reads every row anyway; through an is_active index SQLite would read them in index
        # order, three times slower than a plain scan, so the function hides the index.
        conditions = [func.coalesce(Product.is_active, False) == true(),
                      *[or_(_matches(Product.name, w), _matches(Product.brand, w), _matches(Product.description, w))
                        for w in words]]
    else:
        conditions = [Product.is_active == true()]
    if category_id is not None:
        conditions.append(Product.category_id == category_id)
    if with_price and (price_ok := _price_condition(query.min_price, query.max_price)) is not None:
        conditions.append(price_ok)
    if query.in_stock:
        conditions.append(Product.stock > 0)
    return conditions


def _as_flag(condition):
    return case((condition, 1), else_=0) if condition is not None else literal(1)


def _facets(query, words, category_id, slugs):
    """Total, category counts and price buckets in one grouped pass (per category id)."""
    bucket_columns = [func.sum(_as_flag(_price_condition(low, high))) for low, high in PRICE_BUCKETS]
    rows = db.session.execute(
        select(Product.category_id, func.sum(_as_flag(_price_condition(query.min_price, query.max_price))),
               *bucket_columns)
        .where(*_conditions(query, words))
        .group_by(Product.category_id)
    ).all()
    category_counts = {slugs[row[0]]: int(row[1]) for row in rows if row[0] in slugs and row[1]}
    chosen = [row for row in rows if category_id is None or row[0] == category_id]
    total = sum(int(row[1]) for row in chosen)
    buckets = _buckets([sum(int(row[2 + i]) for row in chosen) for i in range(len(PRICE_BUCKETS))])
    return total, category_counts, buckets


def _buckets(counts):
    return [PriceBucket(min_price=low, max_price=high, count=count)
            for (low, high), count in zip(PRICE_BUCKETS, counts)]


def _ordering(sort, words):
    if sort == "relevance" and words:
        # Without a ranking index: products whose name holds more of the words first, then the newest.
        name_hits = sum((_as_flag(_matches(Product.name, w)) for w in words), literal(0))
        return [name_hits.desc(), Product.created_at.desc(), Product.id.desc()]
    if sort == "price_asc":
        return [Product.price.asc(), Product.id.asc()]
    if sort == "price_desc":
        return [Product.price.desc(), Product.id.desc()]
    if sort == "name":
        return [Product.name.asc(), Product.id.asc()]
    return [Product.created_at.desc(), Product.id.desc()]  # "newest", and "relevance" without text
