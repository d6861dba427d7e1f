"""Importing products from CSV: upsert by SKU, with a dry run, errors per line and column, all or none.

All or none: if any row has an error, nothing is written; the admin fixes the file and imports it again.
A price list that is half applied is worse than one not applied at all: the shop would sell at a mix
of old and new prices, and nobody could say which rows still need doing.

Two passes over the file, each reading it row by row with the csv module, so a 100,000-row file never
sits in memory (docs/benchmarks.md has the peak memory):
1. check: parse and validate every row against the database, in batches of BATCH_ROWS (one query for
   the batch's SKUs, one for its slugs), keeping only the SKUs and slugs seen so far (to find repeats),
   the counts, the first MAX_ERRORS errors and a sample of the changes. A dry run stops here.
2. apply (only when the check found no error): read and plan the file again, batch by batch, against
   the database as it is now, and write each batch through app.catalog.services.write_products_in_bulk
   (so the change log, and with it the search index and the page cache, follow); one transaction for
   the whole file, committed at the end. A row that became wrong in between (another admin took a
   slug) rolls everything back.

Columns (header names, any order, any case): sku (required) and any of name, slug, brand, category (a
slug or a name), description, price (a decimal such as 12.50), stock, active and featured (yes/no). A
column left out is not changed; a new product needs a name and a price. An empty slug keeps an existing
product's slug and makes one from the name and SKU for a new product.
"""
import csv
from dataclasses import dataclass, field
from itertools import islice

from flask import current_app
from sqlalchemy import String, any_, bindparam, select
from sqlalchemy.dialects.postgresql import ARRAY

from app.catalog.csv_format import PRODUCT_COLUMNS, parse_flag, unescape_cell
from app.catalog.models import Category, Product
from app.catalog.seed import slugify
from app.catalog.services import update_search_index, write_products_in_bulk
from app.extensions import db
from app.money import InvalidAmount, parse_money, to_decimal

BATCH_ROWS = 1000
MAX_ERRORS = 100  # kept and shown; the rest are counted
SAMPLE_CHANGES = 20
TEXT_LIMITS = {"sku": 40, "name": 200, "slug": 160, "brand": 80, "description": 20_000}
FIELD_OF_COLUMN = {"sku": "sku", "name": "name", "slug": "slug", "brand": "brand", "category": "category_id",
                   "description": "description", "price": "price", "stock": "stock", "active": "is_active",
                   "featured": "is_featured"}
COMPARED = ("id", "sku", "name", "slug", "brand", "description", "price", "stock", "is_active", "is_featured",
            "category_id")
MAX_STOCK = 2_147_483_647


@dataclass(frozen=True)
class RowError:
    line: int
    column: str | None
    message: str

    def __str__(self):
        return f"line {self.line}" + (f", column {self.column}" if self.column else "") + f": {self.message}"


@dataclass(frozen=True)
class PlannedChange:
    line: int
    sku: str
    kind: str  # "create" | "update"
    fields: dict  # {column: (before, after)} as text; before is None for a new product


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    error_count: int = 0
    errors: list = field(default_factory=list)
    sample: list = field(default_factory=list)
    applied: bool = False

    @property
    def ok(self):
        return self.error_count == 0

    def add_error(self, line, column, message):
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(RowError(line, column, message))


class ImportFailed(RuntimeError):
    """The database changed between the check and the write, so that a row became wrong; nothing was
    written. `report` holds the errors."""

    def __init__(self, report):
        super().__init__("; ".join(str(e) for e in report.errors[:5]))
        self.report = report


def check_import(path, progress=None):
    """The dry run: what importing the file would do, and every error. Writes nothing."""
    report = ImportReport()
    _plan(path, report, progress)
    db.session.rollback()
    return report


def run_import(path, record_action=None, source_name="", progress=None, skip_check=False):
    """Check the file; when it has no error, apply it in one transaction. Returns the report (applied is
    False when there were errors). `record_action` (the admin's audit recorder, app.admin.audit.
    recorder_for) is called with the counts inside that transaction when given.
    skip_check: the caller has just run check_import on the file and shown its report (the CLI); the
    apply pass validates every row again anyway and raises ImportFailed rather than write a bad one."""
    if not skip_check:
        report = check_import(path, progress)
        if not report.ok:
            return report
    applied = ImportReport()
    try:
        _plan(path, applied, progress, write=write_products_in_bulk)
        if not applied.ok:
            raise ImportFailed(applied)
        if record_action is not None:
            record_action("products.import", "catalog", "products", after={
                "file": source_name, "created": applied.created, "updated": applied.updated,
                "unchanged": applied.unchanged})
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    applied.applied = True
    update_search_index()
    return applied


# --- reading ---------------------------------------------------------------------------------------------

def _records(handle, report):
    """(line of the record's start, cells) for each CSV record; a decoding or CSV error ends the file."""
    reader = csv.reader(handle)
    line = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except UnicodeDecodeError:
            report.add_error(reader.line_num + 1, None, "the file is not UTF-8 text (save it as CSV UTF-8)")
            return
        except csv.Error as error:
            report.add_error(reader.line_num, None, f"the CSV cannot be read here ({error})")
            return
        yield line, cells
        line = reader.line_num + 1


def _header(cells, report):
    names = [cell.strip().lower() for cell in cells]  # a byte-order mark is gone already (utf-8-sig)
    for name in names:
        if name not in PRODUCT_COLUMNS:
            report.add_error(1, name or "(empty)", f"unknown column; expected some of {', '.join(PRODUCT_COLUMNS)}")
    for name in {n for n in names if names.count(n) > 1}:
        report.add_error(1, name, "the column appears more than once")
    if "sku" not in names:
        report.add_error(1, "sku", "the sku column is required (products are matched by SKU)")
    return names


# --- planning --------------------------------------------------------------------------------------------

def _plan(path, report, progress, write=None):
    categories = _category_lookup()
    seen_skus, seen_slugs = set(), set()
    with open(path, newline="", encoding="utf-8-sig") as handle:
        records = _records(handle, report)
        first = next(records, None)
        if first is None:
            report.add_error(1, None, "the file is empty")
            return
        header = _header(first[1], report)
        if not report.ok:
            return
        done_lines = 1
        while batch := list(islice(records, BATCH_ROWS)):
            rows = [parsed for line, cells in batch if cells
                    if (parsed := _parse_row(line, cells, header, categories, report)) is not None]
            creates, updates = _compare(rows, header, categories, seen_skus, seen_slugs, report)
            report.rows += len(batch)
            if write is not None and report.ok:
                write(creates, updates)
            if progress:
                progress(batch[-1][0] - done_lines)
                done_lines = batch[-1][0]


def _category_lookup():
    """{slug or lower-cased name: id}, plus {id: slug} under the key None for showing changes."""
    rows = db.session.execute(select(Category.id, Category.slug, Category.name)).all()
    lookup = {name.strip().lower(): i for i, _slug, name in rows}
    lookup.update({slug: i for i, slug, _name in rows})
    lookup[None] = {i: slug for i, slug, _name in rows}
    return lookup


def _parse_row(line, cells, header, categories, report):
    if len(cells) != len(header):
        report.add_error(line, None, f"expected {len(header)} cells, found {len(cells)}")
        return None
    values, ok = {"_line": line}, True
    for column, raw in zip(header, cells):
        try:
            values[FIELD_OF_COLUMN[column]] = _parse_cell(column, unescape_cell(raw), categories)
        except ValueError as error:
            report.add_error(line, column, str(error))
            ok = False
    return values if ok else None


def _parse_cell(column, text, categories):
    if column in ("sku", "name", "slug", "brand", "description"):
        value = text if column == "description" else text.strip()
        if len(value) > TEXT_LIMITS[column]:
            raise ValueError(f"longer than {TEXT_LIMITS[column]} characters")
        if column in ("sku", "name") and not value:
            raise ValueError("required")
        if column == "slug" and value and slugify(value) != value:
            raise ValueError(f"{value!r} is not a slug (lower-case letters, digits and single hyphens)")
        return value
    if column == "category":
        name = text.strip()
        if not name:
            return None
        if name.lower() not in categories and name not in categories:
            raise ValueError(f"no category with the slug or name {name!r}")
        return categories.get(name, categories.get(name.lower()))
    if column == "price":
        try:
            price = parse_money(text.strip(), current_app.config["CURRENCY"])
        except InvalidAmount as error:
            raise ValueError(str(error)) from None
        if price < 0:
            raise ValueError("a price cannot be negative")
        return price
    if column == "stock":
        if not text.strip().isascii() or not text.strip().isdigit() or int(text) > MAX_STOCK:
            raise ValueError(f"{text!r} is not a whole number of 0 or more")
        return int(text)
    flag = parse_flag(text)  # active, featured
    if flag is None:
        raise ValueError(f"{text!r} is not yes or no")
    return flag


def _compare(rows, header, categories, seen_skus, seen_slugs, report):
    """Sort a batch's valid rows into creates and updates (unchanged rows are only counted)."""
    skus = [row["sku"] for row in rows]
    existing = {r.sku: r._asdict() for r in db.session.execute(
        select(*[getattr(Product, c) for c in COMPARED]).where(_one_of(Product.sku, skus)))}
    for row in rows:
        if not row.get("slug"):
            row["slug"] = existing[row["sku"]]["slug"] if row["sku"] in existing else None
            if row["slug"] is None and row.get("name"):
                row["slug"] = f"{slugify(row['name'])}-{slugify(row['sku'])}"[:TEXT_LIMITS['slug']].strip("-")
    slug_owner = dict(db.session.execute(
        select(Product.slug, Product.sku).where(_one_of(Product.slug, [r["slug"] for r in rows if r["slug"]]))).all())
    creates, updates = [], []
    for row in rows:
        line, sku = row.pop("_line"), row["sku"]
        if sku in seen_skus:
            report.add_error(line, "sku", f"{sku!r} appears on an earlier line")
            continue
        seen_skus.add(sku)
        if row["slug"] and (row["slug"] in seen_slugs or slug_owner.get(row["slug"], sku) != sku):
            owner = "an earlier line" if row["slug"] in seen_slugs else f"the product with SKU {slug_owner[row['slug']]!r}"
            report.add_error(line, "slug", f"{row['slug']!r} is already used by {owner}")
            continue
        seen_slugs.add(row["slug"])
        before = existing.get(sku)
        if before is None:
            missing = [c for c in ("name", "price") if FIELD_OF_COLUMN[c] not in row]
            if missing:
                report.add_error(line, missing[0], f"a new product needs a {' and a '.join(missing)}; the file has no such column")
                continue
            new = {"brand": "", "description": "", "stock": 0, "is_active": True, "is_featured": False,
                   "category_id": None, "currency": current_app.config["CURRENCY"], **row}
            creates.append(new)
            report.created += 1
            _sample(report, line, sku, "create", {}, new, categories)
        else:
            changed = {name: value for name, value in row.items() if before[name] != value}
            if not changed:
                report.unchanged += 1
                continue
            updates.append({"id": before["id"], **changed})
            report.updated += 1
            _sample(report, line, sku, "update", before, changed, categories)
    return creates, updates


def _one_of(column, values):
    """column IN values. On PostgreSQL one array parameter (= ANY) instead of a thousand: the statement
    is the same text every batch, so neither SQLAlchemy nor psycopg converts a 1,000-parameter query
    again (a profile of the check pass showed that work as about a quarter of its time on PostgreSQL)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, list(values), type_=ARRAY(String)))
    return column.in_(values)


def _sample(report, line, sku, kind, before, after, categories):
    if len(report.sample) >= SAMPLE_CHANGES:
        return
    fields = {column: (_shown(name, before[name], categories) if before else None, _shown(name, after[name], categories))
              for column, name in FIELD_OF_COLUMN.items() if name in after and name != "sku"}
    report.sample.append(PlannedChange(line, sku, kind, fields))


def _shown(name, value, categories):
    if name == "price":
        return str(to_decimal(value, current_app.config["CURRENCY"]))
    if name == "category_id":
        return categories[None].get(value, "") if value is not None else ""
    if name in ("is_active", "is_featured"):
        return "yes" if value else "no"
    text = str(value)
    return text if len(text) <= 60 else text[:59] + "…"


def count_lines(path):
    """Physical lines in a file (for a progress bar's length), read in chunks."""
    with open(path, "rb") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
