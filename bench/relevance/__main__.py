"""`python -m bench.relevance [--all] [--json PATH]`: search relevance on the judged set, shop vs FTS5.

Builds a fresh SQLite shop in bench/out/relevance/ (migrations, the judged catalog loaded through the
catalog services, the search index built by the first search), runs every judged query through the
real /search page and /search/suggest fragment and through SQLite FTS5, and prints NDCG and MRR for
both, per pattern, the queries where the shop's top three are clearly worse, and the "Did you mean"
proposals. The figures are deterministic: no timing is involved, so one run is enough.
"""
import argparse
import json
import os
import shutil
import time
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "out" / "relevance"


def make_app(directory):
    import logging

    from flask_migrate import upgrade

    from app import create_app

    app = create_app({
        "TESTING": True, "SECRET_KEY": "relevance-bench", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{directory / 'shop.db'}",
        "SEARCH_INDEX_DIR": str(directory / "index"), "RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False,
        "MAIL_SERVER": None, "SERVER_NAME": None, "SHOP_BASE_URL": "http://localhost", "LOG_LEVEL": "WARNING",
    })
    logging.disable(logging.INFO)  # the migrations' log says nothing about relevance
    try:
        with app.app_context():
            upgrade()
    finally:
        logging.disable(logging.NOTSET)
    return app


def as_json(report):
    def kind(k):
        return {"k": k.k, "ndcg": {"shop": k.ndcg("shop"), "fts5": k.ndcg("fts")},
                "mrr": {"shop": k.mrr("shop"), "fts5": k.mrr("fts")},
                "queries": [{"text": o.text, "patterns": o.patterns, "shop": o.shop.skus[:k.k], "fts5": o.fts.skus[:k.k],
                             "ndcg": {"shop": o.shop.ndcg, "fts5": o.fts.ndcg}, "did_you_mean": o.did_you_mean,
                             "did_you_mean_ndcg": o.proposal_ndcg}
                            for o in k.outcomes]}
    return {"products": report.products, "results": kind(report.results), "suggestions": kind(report.suggestions)}


def main():
    parser = argparse.ArgumentParser(prog="python -m bench.relevance", description=__doc__.split("\n")[0])
    parser.add_argument("--all", action="store_true", help="also print every query with both top threes")
    parser.add_argument("--json", type=Path, help="also write the figures and every query's top ten here")
    args = parser.parse_args()
    os.environ.setdefault("SECRET_KEY", "relevance-bench")

    from bench.relevance.catalog import read_products
    from bench.relevance.harness import measure
    from bench.relevance.report import print_report

    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    print(f"# search relevance, {time.strftime('%Y-%m-%d %H:%M')}: the judged set in bench/relevance/set/")
    started = time.perf_counter()
    products = read_products()
    report = measure(make_app(OUT), products)
    print_report(report, {p.sku: p.name for p in products}, every_query=args.all)
    print(f"\n(measured in {time.perf_counter() - started:.0f} s)")
    if args.json:
        args.json.write_text(json.dumps(as_json(report), indent=1, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
