"""Product image operations for the admin: add uploads, choose the main image, reorder, delete.

Each operation is one transaction holding the image rows, a product change-log entry (so cached catalog
pages and the search index see the new images) and the admin's audit row. The first image (position 0)
is the main one: the product card and the top of the product page show it.

The audit row comes from `record_action`, a callable the caller passes (the admin passes
app.admin.audit.record_admin_action bound to the acting admin): it is called inside the transaction, so
the change and its record commit together, and catalog needs no import of admin (admin imports catalog).

Uploads are checked completely before anything is written: if any file of an upload is refused, no file
is stored and no row is added. Files are written before the commit (and removed again if it fails);
a deleted image's files are removed after its commit, so a failed delete never loses a shown image.
"""
from flask import current_app
from sqlalchemy import select

from app.catalog.image_processing import ImageRefused, process_image, read_limited
from app.catalog.image_store import UPLOAD_PREFIX, files_of, new_key, remove_files, write_variants
from app.catalog.models import Product, ProductImage
from app.catalog.services import ProductNotFound, record_product_change, update_search_index
from app.extensions import db


class ImagesRefused(ValueError):
    """Some files of an upload were refused; `reasons` holds one "name: why" line per refused file."""

    def __init__(self, reasons):
        super().__init__("; ".join(reasons))
        self.reasons = reasons


class ImageNotFound(LookupError):
    pass


def product_with_images(product_id):
    product = db.session.get(Product, product_id)
    if product is None:
        raise ProductNotFound(product_id)
    return product


def _image_ids(product):
    return [image.id for image in product.images]


def add_product_images(product_id, uploads, record_action):
    """Store `uploads` ((file name, binary stream) pairs) as the product's last images. Returns the new
    ProductImage rows. Raises ImagesRefused (nothing written) or ProductNotFound."""
    config = current_app.config
    product = product_with_images(product_id)
    uploads = list(uploads)
    if not uploads:
        raise ImagesRefused(["Choose at least one image file."])
    if len(uploads) > config["PRODUCT_IMAGE_MAX_FILES"]:
        raise ImagesRefused([f"At most {config['PRODUCT_IMAGE_MAX_FILES']} files at once."])
    processed, reasons = [], []
    for name, stream in uploads:
        try:
            processed.append(process_image(read_limited(stream, config["PRODUCT_IMAGE_MAX_BYTES"]),
                                           config["PRODUCT_IMAGE_MAX_PIXELS"]))
        except ImageRefused as refused:
            reasons.append(f"{name or 'unnamed file'}: {refused}")
    if reasons:
        raise ImagesRefused(reasons)

    before = _image_ids(product)
    written, added = [], []
    try:
        next_position = max((image.position for image in product.images), default=-1) + 1
        for offset, image in enumerate(processed):
            key = new_key()
            written += write_variants(key, image.variants)
            row = ProductImage(path=UPLOAD_PREFIX + key, alt=product.name, position=next_position + offset)
            product.images.append(row)
            added.append(row)
        db.session.flush()
        record_product_change(db.session, product.id)
        record_action("product.images.add", "product", product.id,
                            before={"images": before}, after={"images": _image_ids(product)})
        db.session.commit()
    except BaseException:
        db.session.rollback()
        remove_files(written)
        raise
    update_search_index()
    return added


def _image_of(product, image_id):
    for image in product.images:
        if image.id == image_id:
            return image
    raise ImageNotFound(image_id)


def _save_order(product, ordered, record_action, action):
    before = _image_ids(product)
    for position, image in enumerate(ordered):
        image.position = position
    product.images.sort(key=lambda image: image.position)
    after = _image_ids(product)
    if after == before:
        return False
    record_product_change(db.session, product.id)
    record_action(action, "product", product.id, before={"images": before}, after={"images": after})
    db.session.commit()
    update_search_index()
    return True


def set_main_image(product_id, image_id, record_action):
    """Move one image to the front. Returns False when it already was the main image."""
    product = product_with_images(product_id)
    chosen = _image_of(product, image_id)
    return _save_order(product, [chosen] + [i for i in product.images if i is not chosen], record_action,
                       "product.images.main")


def move_image(product_id, image_id, step, record_action):
    """Move one image `step` places (-1: earlier, +1: later), stopping at either end."""
    product = product_with_images(product_id)
    ordered = list(product.images)
    index = ordered.index(_image_of(product, image_id))
    target = min(max(index + step, 0), len(ordered) - 1)
    ordered.insert(target, ordered.pop(index))
    return _save_order(product, ordered, record_action, "product.images.reorder")


def delete_image(product_id, image_id, record_action):
    product = product_with_images(product_id)
    image = _image_of(product, image_id)
    before = _image_ids(product)
    path = image.path
    product.images.remove(image)  # delete-orphan: the row goes with the commit
    for position, remaining in enumerate(product.images):
        remaining.position = position
    record_product_change(db.session, product.id)
    record_action("product.images.delete", "product", product.id,
                        before={"images": before}, after={"images": _image_ids(product)})
    db.session.commit()
    update_search_index()
    still_used = db.session.execute(select(ProductImage.id).where(ProductImage.path == path).limit(1)).first()
    if still_used is None:  # seeded placeholders are shared and live in static/: files_of gives none
        remove_files(files_of(path))
