"""Search views (first cut: a plain database match; the search issue replaces it with Whoosh)."""
from flask import render_template, request
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.catalog.models import Product
from app.extensions import db
from app.search import bp

MAX_QUERY_LENGTH = 200


@bp.get("/search")
def results():
    query = request.args.get("q", "").strip()[:MAX_QUERY_LENGTH]
    products = []
    if query:
        pattern = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        products = db.session.execute(
            select(Product)
            .where(Product.is_active.is_(True), Product.name.ilike(pattern, escape="\\"))
            .order_by(Product.name)
            .limit(24)
            .options(selectinload(Product.images))
        ).scalars().all()
    return render_template("search/results.html", query=query, products=products)
