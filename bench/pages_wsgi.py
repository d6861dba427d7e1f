"""The shop as `python -m bench.pages` serves it under gunicorn: the real app, plus one reference route.

/bench/page   a bare Flask route that returns a constant 43 KB HTML page (about the size of a listing
              page), through the same app, hooks and middleware: the ceiling a catalog page is measured
              against.
"""
from flask import make_response

from app import create_app

PAGE = ("<!doctype html><html lang=\"en\"><head><title>Reference</title></head><body><main>"
        + "".join(f'<article class="product-card" id="product-card-{n}"><h3>Reference product {n}</h3>'
                  f'<p class="price">$19.99</p><p>{"Well-made things for home, work and the outdoors. " * 30}</p>'
                  "</article>" for n in range(24))
        + "</main></body></html>")[:43_000]


def reference_page():
    response = make_response(PAGE)
    response.mimetype = "text/html"
    return response


def make_app():
    app = create_app({"RATELIMIT_ENABLED": False})
    app.add_url_rule("/bench/page", "bench_page", reference_page)
    return app


app = make_app()
