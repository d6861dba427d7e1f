"""Larger request-body limits for the admin's upload endpoints. The app-wide MAX_CONTENT_LENGTH suits
shoppers' forms; an image upload or a CSV file may be bigger. URL value preprocessors run before every
before_request hook, so the larger limit applies from the first read of the body (the CSRF check reads
the form too)."""
from flask import current_app, request

from app.admin import bp

REQUEST_SLACK = 64 * 1024  # the form's other fields and the multipart framing

UPLOAD_LIMITS = {
    "admin.upload_product_images":
        lambda config: config["PRODUCT_IMAGE_MAX_BYTES"] * config["PRODUCT_IMAGE_MAX_FILES"] + REQUEST_SLACK,
    "admin.import_products": lambda config: config["CSV_IMPORT_MAX_BYTES"] + REQUEST_SLACK,
}


@bp.url_value_preprocessor
def allow_larger_uploads(endpoint, values):
    limit = UPLOAD_LIMITS.get(endpoint)
    if limit is not None:
        request.max_content_length = limit(current_app.config)
