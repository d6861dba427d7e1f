"""Where uploaded product images live and how pages link to them.

ProductImage.path says which kind an image is:
- "img/placeholders/audio-3.png": a file under static/ (the seeded placeholders), served as static;
- "uploads/<32 hex digits>": an upload, stored as <PRODUCT_IMAGE_DIR>/<2 hex>/<key>-<width>.webp for
  each width in image_processing.WIDTHS and served by catalog.product_image_file.

The key is random (never the uploader's file name) and never reused, and a stored file never changes,
so the files are served with a one-year, immutable cache lifetime.
"""
import os
import re
import secrets
from pathlib import Path

from flask import current_app, url_for

from app.catalog.image_processing import WIDTHS
from app.extensions import static_digest

UPLOAD_PREFIX = "uploads/"
FILE_NAME = re.compile(r"(?P<key>[0-9a-f]{32})-(?P<width>[0-9]{3,4})\.webp")
NO_IMAGE = "img/no-image.svg"


def image_dir():
    configured = current_app.config.get("PRODUCT_IMAGE_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "product_images"


def is_upload(path):
    return path.startswith(UPLOAD_PREFIX)


def new_key():
    return secrets.token_hex(16)


def file_name(key, width):
    return f"{key}-{width}.webp"


def file_path(key, width):
    return image_dir() / key[:2] / file_name(key, width)


def write_variants(key, variants):
    """Write each variant (a temporary name, then an atomic rename); return the paths written."""
    written = []
    try:
        for width, data in variants.items():
            target = file_path(key, width)
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_suffix(".part")
            partial.write_bytes(data)
            os.replace(partial, target)
            written.append(target)
    except OSError:
        remove_files(written)
        raise
    return written


def remove_files(paths):
    for path in paths:
        try:
            Path(path).unlink()
        except FileNotFoundError:
            pass


def files_of(path):
    """The stored files of an uploaded image's ProductImage.path (none for a static one)."""
    if not is_upload(path):
        return []
    return [file_path(path[len(UPLOAD_PREFIX):], width) for width in WIDTHS]


def stored_file(name):
    """(directory, file name) of a served file name, or None when the name is not one of ours."""
    match = FILE_NAME.fullmatch(name)
    if match is None or int(match["width"]) not in WIDTHS:
        return None
    return image_dir() / match["key"][:2], name


# --- links, for templates (registered as globals in app/catalog/__init__.py) ---

def image_src(image, width=480):
    """The URL of an image (a ProductImage or None) for a slot `width` CSS pixels wide."""
    if image is None:
        return static_digest.static_url_for("static", filename=NO_IMAGE)
    if not is_upload(image.path):
        return static_digest.static_url_for("static", filename=image.path)
    size = min((w for w in WIDTHS if w >= width), default=WIDTHS[-1])
    return url_for("catalog.product_image_file", name=file_name(image.path[len(UPLOAD_PREFIX):], size))


def image_srcset(image):
    """"url 240w, url 480w, url 960w" for an upload; "" for a static file (it has one size)."""
    if image is None or not is_upload(image.path):
        return ""
    key = image.path[len(UPLOAD_PREFIX):]
    return ", ".join(f"{url_for('catalog.product_image_file', name=file_name(key, w))} {w}w" for w in WIDTHS)


def image_endpoint_values(image):
    """(endpoint, values) of the largest file of an image, for absolute links (Open Graph, schema.org)."""
    if image is None:
        return "static", {"filename": NO_IMAGE}
    if not is_upload(image.path):
        return "static", {"filename": image.path}
    return "catalog.product_image_file", {"name": file_name(image.path[len(UPLOAD_PREFIX):], WIDTHS[-1])}
