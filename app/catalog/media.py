"""Serving uploaded product images. Only names of the form <32 hex>-<width>.webp are answered (anything
else is a 404 before the disk is touched) and send_from_directory joins them safely; the files never
change under a name, so browsers and proxies may keep them for a year without asking again."""
from flask import abort, send_from_directory

from app.catalog import bp
from app.catalog.image_store import stored_file

ONE_YEAR = 365 * 24 * 3600


@bp.get("/media/products/<name>")
def product_image_file(name):
    located = stored_file(name)
    if located is None:
        abort(404)
    directory, file_name = located
    response = send_from_directory(directory, file_name, mimetype="image/webp", max_age=ONE_YEAR,
                                   conditional=True)
    response.cache_control.public = True
    response.cache_control.immutable = True
    return response
