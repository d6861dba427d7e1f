"""Run every judged query through the shop and through the FTS5 reference, and score both.

`measure(app)` loads the judged catalog into the (empty) shop behind `app` through the catalog
services, builds the FTS5 reference from the same product rows, asks both engines every query, and
returns a Report. The relevance test and `python -m bench.relevance` both call it.
"""
from dataclasses import dataclass, field

from bench.relevance import fts, shop
from bench.relevance.catalog import load_into_shop, read_products
from bench.relevance.judgments import GOOD, RESULTS_FILE, SUGGESTIONS_FILE, parse
from bench.relevance.metrics import mean, ndcg, reciprocal_rank

RESULTS_K = 10  # NDCG@10 on the results page
SUGGESTIONS_K = 8  # the suggestion box shows 8 products: NDCG@8
RESULTS_SHOWN = 24  # one results page; MRR looks this far
SAME = 0.05  # an NDCG difference at most this big counts as "the same"
CLEARLY_WORSE = 0.2  # the shop's NDCG@3 this much below FTS5's: its top three are clearly worse


@dataclass
class Answer:
    skus: list  # in the order shown
    grades: list  # the judged grade of each
    ndcg: float
    rr: float
    ndcg3: float


@dataclass
class Outcome:
    text: str
    patterns: tuple
    shop: Answer
    fts: Answer
    did_you_mean: str | None = None  # results page only: the proposed text
    proposal_ndcg: float | None = None  # its own results page, scored by this query's judgments

    @property
    def delta(self):
        return self.shop.ndcg - self.fts.ndcg

    @property
    def clearly_worse(self):
        return self.fts.ndcg3 - self.shop.ndcg3 >= CLEARLY_WORSE


@dataclass
class Kind:
    """All queries of one kind (results page or suggestions) and their summary figures."""
    name: str
    k: int
    outcomes: list = field(default_factory=list)

    def ndcg(self, engine, outcomes=None):
        return mean(getattr(o, engine).ndcg for o in (self.outcomes if outcomes is None else outcomes))

    def mrr(self, engine, outcomes=None):
        return mean(getattr(o, engine).rr for o in (self.outcomes if outcomes is None else outcomes))

    def by_pattern(self):
        patterns = {}
        for outcome in self.outcomes:
            for pattern in outcome.patterns:
                patterns.setdefault(pattern, []).append(outcome)
        return dict(sorted(patterns.items()))

    def tally(self):
        """(shop better, the same, shop worse) by NDCG@k."""
        better = sum(o.delta > SAME for o in self.outcomes)
        worse = sum(o.delta < -SAME for o in self.outcomes)
        return better, len(self.outcomes) - better - worse, worse

    def losses(self):
        return [o for o in self.outcomes if o.clearly_worse]


@dataclass
class Report:
    products: int
    results: Kind
    suggestions: Kind
    judged_skus: set  # every product the judgments name
    shop_skus: set  # every product the shop holds after loading the set


def _answer(skus, query, k):
    grades = [query.grades.get(sku, 0) for sku in skus]
    judged = list(query.grades.values())
    return Answer(skus=skus, grades=grades, ndcg=ndcg(grades, judged, k), rr=reciprocal_rank(grades, GOOD),
                  ndcg3=ndcg(grades, judged, 3))


def _product_rows():
    """(id, name, brand, category name, description) of every active product: what the shop indexes."""
    from sqlalchemy import select

    from app.catalog.models import Category, Product
    from app.extensions import db

    return db.session.execute(
        select(Product.id, Product.name, Product.brand, Category.name, Product.description)
        .outerjoin(Category, Category.id == Product.category_id).where(Product.is_active.is_(True))
        .order_by(Product.id)).all()


def evaluate(client, reference, sku_of, results_queries, suggestion_queries):
    """Score every query on both engines. `sku_of` maps product ids to SKUs."""
    report_results, report_suggestions = Kind("results", RESULTS_K), Kind("suggestions", SUGGESTIONS_K)
    for query in results_queries:
        ids, proposal = shop.results_page(client, query.text)
        reference_ids = fts.search(reference, query.text, RESULTS_SHOWN)
        outcome = Outcome(query.text, query.patterns, _answer([sku_of[i] for i in ids], query, RESULTS_K),
                          _answer([sku_of[i] for i in reference_ids], query, RESULTS_K), did_you_mean=proposal)
        if proposal:
            # Following the proposal should lead to what the shopper wanted: score its page too.
            proposal_ids, _ = shop.results_page(client, proposal)
            outcome.proposal_ndcg = _answer([sku_of[i] for i in proposal_ids], query, RESULTS_K).ndcg
        report_results.outcomes.append(outcome)
    for query in suggestion_queries:
        ids = shop.suggestions(client, query.text)
        reference_ids = fts.search(reference, query.text, SUGGESTIONS_K, prefix_last=True)
        report_suggestions.outcomes.append(Outcome(
            query.text, query.patterns, _answer([sku_of[i] for i in ids], query, SUGGESTIONS_K),
            _answer([sku_of[i] for i in reference_ids], query, SUGGESTIONS_K)))
    return report_results, report_suggestions


def measure(app, products=None):
    """Load the judged catalog into the empty shop behind `app`, then score both engines."""
    from app.catalog.models import Product
    from app.extensions import db

    products = read_products() if products is None else products
    skus = {p.sku for p in products}
    results_queries, suggestion_queries = parse(RESULTS_FILE, skus), parse(SUGGESTIONS_FILE, skus)
    with app.app_context():
        ids = load_into_shop(products)
        sku_of = {product_id: sku for sku, product_id in ids.items()}
        reference = fts.build(_product_rows())
        shop_skus = set(db.session.execute(db.select(Product.sku)).scalars())
    judged = {sku for q in results_queries + suggestion_queries for sku in q.grades}
    results, suggestions = evaluate(app.test_client(), reference, sku_of, results_queries, suggestion_queries)
    return Report(products=len(products), results=results, suggestions=suggestions, judged_skus=judged,
                  shop_skus=shop_skus)
