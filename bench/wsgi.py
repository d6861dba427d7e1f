"""The shop as the benchmarks serve it with gunicorn: the real app (its /search page and
/search/suggest fragment are what is measured) plus reference routes.

/bench/bare              a bare Flask route: the floor of an HTTP request here
/bench/fts/suggest?q=    the suggestions fragment answered by SQLite FTS5 (the reference ceiling)
/bench/fts/results?q=    a results page (24 product cards) answered by SQLite FTS5
"""
import os
import sqlite3
import threading

from flask import Blueprint, render_template_string, request
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app import create_app
from app.catalog.models import Product
from app.extensions import db
from app.catalog.product_finder import Suggestion
from app.search.highlight import highlight_name
from app.search.query import parse_text

bench = Blueprint("bench", __name__)
_local = threading.local()

RESULTS_PAGE = """{% extends "base.html" %}{% block main %}<h1>{{ total }} results</h1>
<div class="product-grid">{% for product in products %}{% include "partials/catalog/product_card.html" %}{% endfor %}</div>
{% endblock %}"""


def _fts():
    if getattr(_local, "fts", None) is None:
        _local.fts = sqlite3.connect(os.environ["BENCH_FTS_DB"], check_same_thread=False)
    return _local.fts


def fts_match(text, prefix_last):
    words = [w for w, _stem in parse_text(text).words]
    if not words:
        return None
    terms = [f'"{w}"' for w in words]
    if prefix_last:
        terms[-1] += "*"
    return " AND ".join(terms)


def _products(ids):
    rows = {p.id: p for p in db.session.execute(
        select(Product).where(Product.id.in_(ids)).options(selectinload(Product.images))).scalars()}
    return [rows[i] for i in ids if i in rows]


@bench.get("/bench/bare")
def bare():
    return "ok"


@bench.get("/bench/fts/suggest")
def fts_suggest():
    text = request.args.get("q", "")
    match = fts_match(text, prefix_last=True)
    ids = [r[0] for r in _fts().execute(
        "SELECT rowid FROM products_fts WHERE products_fts MATCH ? ORDER BY bm25(products_fts, 4, 2, 1.5, 1) LIMIT 8",
        (match,))] if match else []
    stems = {stem for _w, stem in parse_text(text).words}
    suggestions = [Suggestion(p, Markup(highlight_name(p.name, stems))) for p in _products(ids)]
    from flask import render_template

    return render_template("partials/search/suggestions.html", query=text, suggestions=suggestions)


@bench.get("/bench/fts/results")
def fts_results():
    match = fts_match(request.args.get("q", ""), prefix_last=False)
    if not match:
        return render_template_string(RESULTS_PAGE, total=0, products=[])
    connection = _fts()
    total = connection.execute("SELECT count(*) FROM products_fts WHERE products_fts MATCH ?", (match,)).fetchone()[0]
    # The facets a results page shows: counts per category over the matches.
    connection.execute("SELECT category, count(*) FROM products_fts WHERE products_fts MATCH ? GROUP BY category",
                       (match,)).fetchall()
    ids = [r[0] for r in connection.execute(
        "SELECT rowid FROM products_fts WHERE products_fts MATCH ? ORDER BY bm25(products_fts, 4, 2, 1.5, 1) LIMIT 24",
        (match,))]
    return render_template_string(RESULTS_PAGE, total=total, products=_products(ids))


def make_app():
    app = create_app({"SEARCH_ANSWER_CACHE": os.environ.get("BENCH_ANSWER_CACHE", "1") == "1",
                      "RATELIMIT_ENABLED": False})
    app.register_blueprint(bench)
    return app


app = make_app()
