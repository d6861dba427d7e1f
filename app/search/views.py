"""The search results page. /search?q=… is the same page as /products?q=… (same parameters, filters,
facets and results region), rendered under its own URL so the header search box has one stable address
and the filter form on it keeps submitting to /search."""
from app.search import bp


@bp.get("/search")
def results():
    # Imported here: app.catalog.listing imports app.search (the contract), which imports this module.
    from app.catalog.listing import render_listing

    return render_listing("search/results.html", endpoint="search.results")
