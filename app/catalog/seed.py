"""The demo catalog: deterministic products generated from a seed, written in bounded batches.

Product i depends only on (seed, i), never on N, so `--products 240` and `--products 100000` agree on
their first 240 products and re-running adds only what is missing (matched by SKU).
"""
import random
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import func, insert, select

from app.catalog import seed_vocabulary as vocab
from app.catalog.models import Category, Product, ProductChange, ProductImage
from app.extensions import db

BATCH_SIZE = 1000
IMAGE_VARIANTS = 4  # placeholder images per category, shared by its products
PLACEHOLDER_DIR = "img/placeholders"  # under static/
EPOCH = datetime(2026, 1, 1, tzinfo=timezone.utc)  # fixed, so dates are deterministic too


@dataclass(frozen=True)
class DemoProduct:
    sku: str
    slug: str
    name: str
    brand: str
    description: str
    price: int
    stock: int
    is_active: bool
    is_featured: bool
    category_slug: str
    image: str
    created_at: datetime


def slugify(text):
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def demo_product(seed, index):
    rng = random.Random(f"{seed}:{index}")
    category = vocab.CATEGORIES[index % len(vocab.CATEGORIES)]
    noun = rng.choice(category["nouns"])
    adjective = rng.choice(category["adjectives"])
    brand = rng.choice(vocab.BRANDS)
    colour = rng.choice(vocab.COLOURS)
    model = f"{rng.choice('ABCDEFGHJKLMNPRSTVXZ')}{rng.choice('ABCDEFGHJKLMNPRSTVXZ')}-{rng.randint(10, 990)}"
    name = f"{brand} {adjective.capitalize()} {noun} {model}"
    feature, feature2 = rng.sample(category["features"], 2)
    words = {"name": name, "noun": noun, "adjective": adjective, "brand": brand, "colour": colour,
             "feature": feature, "feature2": feature2}
    sentences = [rng.choice(vocab.OPENERS)] + rng.sample(vocab.SENTENCES, rng.randint(2, 4))
    description = " ".join(s.format(**words) for s in sentences)
    description = description[0].upper() + description[1:]
    low, high = category["price"]
    price = rng.randrange(low, high) // 100 * 100 + rng.choice([0, 49, 95, 99])
    roll = rng.random()
    stock = 0 if roll < 0.08 else rng.randint(1, 5) if roll < 0.2 else rng.randint(6, 250)
    sku = f"{category['code']}-{index:06d}"
    return DemoProduct(
        sku=sku,
        slug=f"{slugify(f'{brand} {adjective} {noun}')}-{sku.lower()}",
        name=name,
        brand=brand,
        description=description,
        price=price,
        stock=stock,
        is_active=rng.random() >= 0.02,
        is_featured=rng.random() < 0.05,
        category_slug=category["slug"],
        image=f"{PLACEHOLDER_DIR}/{category['slug']}-{rng.randrange(IMAGE_VARIANTS)}.png",
        created_at=EPOCH + timedelta(minutes=rng.randrange(0, 300 * 24 * 60)),
    )


def ensure_categories():
    """Create the demo categories that are missing; return {slug: id}."""
    existing = {c.slug: c for c in db.session.execute(select(Category)).scalars()}
    for position, spec in enumerate(vocab.CATEGORIES):
        if spec["slug"] not in existing:
            category = Category(slug=spec["slug"], name=spec["name"], description=spec["description"],
                                position=position)
            db.session.add(category)
            existing[spec["slug"]] = category
    db.session.flush()
    return {slug: c.id for slug, c in existing.items()}


def seed_demo_catalog(count, seed=1, static_dir=None, progress=None):
    """Insert demo products 0..count-1 that are not there yet. Returns the number inserted.

    `progress(n)` is called after each batch with the number of products it covered.
    """
    if static_dir is not None:
        write_placeholder_images(Path(static_dir))
    category_ids = ensure_categories()
    inserted = 0
    for start in range(0, count, BATCH_SIZE):
        batch = [demo_product(seed, i) for i in range(start, min(start + BATCH_SIZE, count))]
        inserted += _insert_missing(batch, category_ids)
        db.session.commit()
        db.session.expunge_all()  # bounded memory: nothing from earlier batches stays in the session
        if progress:
            progress(len(batch))
    return inserted


def _insert_missing(batch, category_ids):
    skus = [p.sku for p in batch]
    present = set(db.session.execute(select(Product.sku).where(Product.sku.in_(skus))).scalars())
    missing = [p for p in batch if p.sku not in present]
    if not missing:
        return 0
    rows = [
        {
            "sku": p.sku, "slug": p.slug, "name": p.name, "brand": p.brand, "description": p.description,
            "price": p.price, "currency": "USD", "stock": p.stock, "is_active": p.is_active,
            "is_featured": p.is_featured, "category_id": category_ids[p.category_slug],
            "created_at": p.created_at, "updated_at": p.created_at,
        }
        for p in missing
    ]
    db.session.execute(insert(Product), rows)
    ids = dict(db.session.execute(select(Product.sku, Product.id).where(Product.sku.in_([p.sku for p in missing]))).all())
    db.session.execute(
        insert(ProductImage),
        [{"product_id": ids[p.sku], "path": p.image, "alt": p.name, "position": 0} for p in missing],
    )
    db.session.execute(insert(ProductChange), [{"product_id": ids[p.sku], "kind": "upsert"} for p in missing])
    return len(missing)


def product_count():
    return db.session.execute(select(func.count(Product.id))).scalar_one()


def write_placeholder_images(static_dir):
    """One small PNG per category and variant: a soft colour field with the category's initials."""
    from PIL import Image, ImageDraw

    target = static_dir / PLACEHOLDER_DIR
    target.mkdir(parents=True, exist_ok=True)
    for c_index, category in enumerate(vocab.CATEGORIES):
        for variant in range(IMAGE_VARIANTS):
            path = target / f"{category['slug']}-{variant}.png"
            if path.exists():
                continue
            hue = (c_index * 36 + variant * 9) % 360
            top, bottom = _hsl(hue, 0.55, 0.78), _hsl(hue, 0.45, 0.58)
            image = Image.new("RGB", (480, 480), top)
            draw = ImageDraw.Draw(image)
            for y in range(480):
                t = y / 479
                draw.line([(0, y), (479, y)], fill=tuple(round(a + (b - a) * t) for a, b in zip(top, bottom)))
            draw.ellipse([150, 120, 330, 300], outline=(255, 255, 255), width=10)
            draw.rounded_rectangle([110, 330, 370, 360], radius=14, fill=(255, 255, 255))
            draw.text((240, 210), category["code"], fill=(255, 255, 255), anchor="mm", font_size=56)
            image.save(path, optimize=True)


def _hsl(hue, saturation, lightness):
    import colorsys

    r, g, b = colorsys.hls_to_rgb(hue / 360, lightness, saturation)
    return round(r * 255), round(g * 255), round(b * 255)
