"""The judged catalog: hand-written seed lists expanded into products, written to `set/products.tsv`,
and loaded into a shop through the catalog services.

A seed file (`set/catalog/*.txt`) describes product families the way a merchant lists them:

    == Jeans                                   a category; the products below belong to it
    LV501 | Levi's | 59.50 | Levi's 501 Original Fit Men's Jeans - {colour}
        colour = Stonewash Blue; Black; Dark Indigo
        The original button-fly jean since 1873: straight leg, 100% cotton denim in {colour}.

Indented `axis = a; b; c` lines are variants (every combination becomes a product; `value@64.00` gives
that variant its own price); other indented lines are the description. A product's SKU is the family
code plus a short code per variant value (`LV501-SB`, `SDU-32GB`), so judgments can name a whole family
with a glob (`LV501-*`). Stock comes from a hash of the SKU, so everything is deterministic.

`python -m bench.relevance.catalog` rewrites `set/products.tsv` from the seeds; a test checks that the
committed file is what the seeds give.
"""
import csv
import hashlib
import io
import itertools
import re
from dataclasses import dataclass
from pathlib import Path

SET_DIR = Path(__file__).resolve().parent / "set"
SEED_DIR = SET_DIR / "catalog"
PRODUCTS_FILE = SET_DIR / "products.tsv"
COLUMNS = ("sku", "name", "brand", "category", "price", "stock", "description")


@dataclass(frozen=True)
class CatalogProduct:
    sku: str
    name: str
    brand: str
    category: str  # the category's display name; its slug is derived from it
    price: int  # minor units
    stock: int
    description: str


class SeedError(ValueError):
    pass


def slugify(text):
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def value_code(value):
    """A short, readable SKU part for a variant value: '32GB' -> '32GB', 'Stonewash Blue' -> 'SB',
    '1000 Pieces' -> '1000P', 'Black' -> 'BLACK', 'Charcoal' -> 'CHA'."""
    compact = re.sub(r"[^A-Za-z0-9]", "", value).upper()
    if len(compact) <= 6:
        return compact
    words = re.findall(r"[A-Za-z0-9]+", value)
    if len(words) == 1:
        return compact[:3]
    return "".join(w.upper() if w.isdigit() else w[0].upper() for w in words)


def stock_for(sku):
    """Deterministic stock: about one product in twelve is sold out."""
    roll = int(hashlib.sha256(sku.encode()).hexdigest()[:8], 16)
    return 0 if roll % 12 == 0 else 1 + roll % 140


def _price(text, where):
    if not re.fullmatch(r"\d+(\.\d\d)?", text.strip()):
        raise SeedError(f"{where}: bad price {text!r}")
    return round(float(text) * 100)


def _families(path):
    """(category, code, brand, price, name template, [(axis, [(value, price or None)])], description)."""
    category, family = None, None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        where = f"{path.name}:{number}"
        line = raw.rstrip()
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line.startswith("=="):
            category = line[2:].strip()
        elif not line[0].isspace():
            if family:
                yield family
            parts = [p.strip() for p in line.split("|")]
            if len(parts) != 4 or category is None:
                raise SeedError(f"{where}: expected 'CODE | Brand | price | Name' under a '== Category' line")
            code, brand, price, name = parts
            family = {"category": category, "code": code, "brand": brand, "price": _price(price, where),
                      "name": name, "axes": [], "text": []}
        elif family is None:
            raise SeedError(f"{where}: indented line outside a product family")
        elif re.match(r"^\s+\w+ = ", line):
            axis, values = line.strip().split(" = ", 1)
            parsed = []
            for value in values.split(";"):
                value, _, price = value.strip().partition("@")
                parsed.append((value.strip(), _price(price, where) if price else None))
            family["axes"].append((axis, parsed))
        else:
            family["text"].append(line.strip())
    if family:
        yield family


def _axis_codes(values):
    """{value: SKU part} for one axis; longer parts when the short ones would collide."""
    codes = {value: value_code(value) for value, _price in values}
    if len(set(codes.values())) < len(codes):
        codes = {value: re.sub(r"[^A-Za-z0-9]", "", value).upper()[:14] for value in codes}
    return codes


def _expand(family):
    axes = family["axes"]
    codes = [_axis_codes(values) for _axis, values in axes]
    combos = itertools.product(*[values for _axis, values in axes]) if axes else [()]
    for combo in combos:
        fields = {axis: value for (axis, _values), (value, _price) in zip(axes, combo)}
        price = next((p for _value, p in reversed(combo) if p is not None), family["price"])
        sku = "-".join([family["code"]] + [axis_codes[value] for axis_codes, (value, _p) in zip(codes, combo)])
        try:
            name = family["name"].format(**fields)
            description = " ".join(family["text"]).format(**fields)
        except KeyError as error:
            raise SeedError(f"{family['code']}: no axis named {error}") from None
        yield CatalogProduct(sku=sku, name=name, brand=family["brand"], category=family["category"], price=price,
                             stock=stock_for(sku), description=description)


def generate(seed_dir=SEED_DIR):
    """Every product the seed files describe, in file and line order. Raises SeedError on a bad
    line, a duplicate SKU or a duplicate name."""
    products, skus, names = [], set(), set()
    for path in sorted(Path(seed_dir).glob("*.txt")):
        for family in _families(path):
            for product in _expand(family):
                if product.sku in skus or len(product.sku) > 40:
                    raise SeedError(f"{path.name}: SKU {product.sku} is repeated or too long")
                if product.name in names:
                    raise SeedError(f"{path.name}: product name {product.name!r} is repeated")
                skus.add(product.sku)
                names.add(product.name)
                products.append(product)
    return products


def to_tsv(products):
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    for p in products:
        writer.writerow([p.sku, p.name, p.brand, p.category, f"{p.price / 100:.2f}", p.stock, p.description])
    return out.getvalue()


def read_products(path=PRODUCTS_FILE):
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return [CatalogProduct(sku=r["sku"], name=r["name"], brand=r["brand"], category=r["category"],
                           price=round(float(r["price"]) * 100), stock=int(r["stock"]),
                           description=r["description"]) for r in rows]


def load_into_shop(products):
    """Create the categories and products through the catalog's own code, so the change log, and
    through it the search index, follow exactly as for a merchant's edits. Returns {sku: product id}.
    Call inside an app context on an empty catalog."""
    from app.catalog.services import create_category, create_product

    category_ids = {}
    for position, name in enumerate(dict.fromkeys(p.category for p in products)):
        category_ids[name] = create_category(slug=slugify(name), name=name, position=position).id
    ids = {}
    for p in products:
        product = create_product(sku=p.sku, slug=f"{slugify(p.name)[:110]}-{p.sku.lower()}", name=p.name,
                                 brand=p.brand, description=p.description, price=p.price, stock=p.stock,
                                 category_id=category_ids[p.category])
        ids[p.sku] = product.id
    return ids


def main():
    products = generate()
    PRODUCTS_FILE.write_text(to_tsv(products), encoding="utf-8")
    print(f"wrote {len(products)} products in {len({p.category for p in products})} categories to {PRODUCTS_FILE}")


if __name__ == "__main__":
    main()
