"""Database search (first cut: name match only; the catalog work adds filters, facets and sorting)."""
from sqlalchemy import func, select

from app.catalog.models import Product
from app.extensions import db
from app.search.results import SearchQuery, SearchResult


def search_database(query: SearchQuery) -> SearchResult:
    statement = select(Product.id).where(Product.is_active.is_(True))
    if query.text:
        pattern = "%" + query.text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        statement = statement.where(Product.name.ilike(pattern, escape="\\"))
    total = db.session.execute(select(func.count()).select_from(statement.subquery())).scalar_one()
    ids = db.session.execute(
        statement.order_by(Product.created_at.desc(), Product.id.desc())
        .limit(query.per_page).offset((query.page - 1) * query.per_page)
    ).scalars().all()
    return SearchResult(product_ids=list(ids), total=total, backend="database")
