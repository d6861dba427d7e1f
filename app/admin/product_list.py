"""The admin's product list: what the query string asks for, and the one page of products it names.

It must stay fast at 100,000 products, so there is no COUNT and no unbounded OFFSET: a page is read with
LIMIT + 1 (the extra row says whether a next page exists), pages stop at MAX_PAGE (narrow the search to
go further), and each filter has an index that serves its order (migration 0007_admin_catalog):
newest first walks the primary key; a category walks (category_id, id); active/archived walks
(is_active, id); low stock walks (stock, id), lowest first. A text search first looks the text up as a
SKU (exact, any case: the unique index); only when no SKU matches does it look for a part of the name,
which has to read names until a page is full (the whole table for a word nothing has).
"""
from dataclasses import dataclass, replace

from sqlalchemy import func, select

from app.catalog.models import Product
from app.extensions import db

PER_PAGE = 50
MAX_PAGE = 200
LOW_STOCK = 5  # at or below this many, a product shows in "low stock"
MAX_QUERY = 100


@dataclass(frozen=True)
class ProductListParams:
    q: str = ""
    category_id: int | None = None
    active: str = ""  # "" any, "1" on sale, "0" archived
    low_stock: bool = False
    page: int = 1

    @classmethod
    def from_args(cls, args):
        """Never raises: anything malformed falls back to its default (a list page is not a form)."""
        q = "".join(ch for ch in args.get("q", "") if ch.isprintable()).strip()[:MAX_QUERY]
        category = args.get("category", "")
        page = args.get("page", "1")
        return cls(
            q=q,
            category_id=int(category) if category.isascii() and category.isdigit() and len(category) < 10 else None,
            active=args.get("active", "") if args.get("active") in ("1", "0") else "",
            low_stock=args.get("low") == "1",
            page=min(max(int(page), 1), MAX_PAGE) if page.isascii() and page.isdigit() and len(page) < 6 else 1,
        )

    def query_args(self, **changes):
        """The query string for this list (with `changes`), for links and for coming back after an edit."""
        params = replace(self, **changes)
        args = {"q": params.q, "category": params.category_id or "", "active": params.active,
                "low": "1" if params.low_stock else "", "page": params.page if params.page > 1 else ""}
        return {key: value for key, value in args.items() if value not in ("", None)}


@dataclass(frozen=True)
class ProductPage:
    products: list
    params: ProductListParams
    has_next: bool

    @property
    def has_previous(self):
        return self.params.page > 1

    @property
    def at_last_allowed_page(self):
        return self.has_next and self.params.page >= MAX_PAGE


def _escape_like(text):
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _sku_match(text):
    return db.session.execute(select(Product.id).where(Product.sku.in_({text, text.upper()})).limit(1)).scalar()


def product_page(params):
    query = select(Product)
    if params.q:
        product_id = _sku_match(params.q)
        if product_id is not None:
            query = query.where(Product.id == product_id)
        else:
            query = query.where(func.lower(Product.name).like(f"%{_escape_like(params.q.lower())}%", escape="\\"))
    if params.category_id is not None:
        query = query.where(Product.category_id == params.category_id)
    if params.active:
        query = query.where(Product.is_active == (params.active == "1"))
    if params.low_stock:
        query = query.where(Product.stock <= LOW_STOCK).order_by(Product.stock, Product.id)
    else:
        query = query.order_by(Product.id.desc())
    offset = (params.page - 1) * PER_PAGE
    rows = db.session.execute(query.offset(offset).limit(PER_PAGE + 1)).scalars().all()
    return ProductPage(products=rows[:PER_PAGE], params=params, has_next=len(rows) > PER_PAGE)
