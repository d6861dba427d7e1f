"""Security headers on every response, same-site redirect targets, and the NUL-byte guard.
 The CSP allows only our own scripts, styles and images: htmx is
served from static/, configured by a <meta> tag (no inline script), and told not to inject styles."""

from urllib.parse import urlsplit

from flask import current_app

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "object-src 'none'",
    ]
)


def add_security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    if current_app.config.get("SECURE_COOKIES"):
        # Served over HTTPS: browsers should never try plain HTTP for this host again (one year).
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    return response


def reject_nul_bytes():
    """400 for a NUL character in the path or a posted form. No slug, token, email or address of ours
    contains one, and PostgreSQL refuses NUL in text, so letting it through turns junk into a 500 at the
    first query (SQLite would quietly store it). Query strings are left to the views that read them: the
    listing and search drop control characters and still show results."""
    from flask import abort, request

    def has_nul(multidict):
        return any("\x00" in key or "\x00" in value for key, value in multidict.items(multi=True))

    if "\x00" in request.path or (request.method == "POST" and has_nul(request.form)):
        abort(400, "A request may not contain NUL characters.")


def accepts_uploads(view):
    """Mark a view that takes uploaded files (put it right under the route decorator); every other view
    answers a request that carries files with 400 (reject_unexpected_files)."""
    view.accepts_uploads = True
    return view


def reject_unexpected_files():
    """400 for files posted to a view that takes none. Flask-WTF reads request.files into every form's
    data, so a file part named like a text field ("email", "payment_method_nonce") reached the
    validators as a FileStorage object and ended in a 500."""
    from flask import abort, current_app, request

    if request.method == "POST" and request.files:
        view = current_app.view_functions.get(request.endpoint)
        if not getattr(view, "accepts_uploads", False):
            abort(400, "This form takes no files.")


def same_site_path(candidate, default=None):
    """`candidate` if it is a path on this site ("/account?x=1"), else `default`: a "next" or return path
    comes from the request, so anything with a scheme or host ("https://evil.example", "javascript:..."),
    a protocol-relative "//evil.example", a backslash (browsers read "/\\evil.example" as "//") or a
    control character is refused."""
    if not candidate:
        return default
    candidate = candidate.strip()
    if (not candidate.startswith("/") or candidate.startswith("//") or "\\" in candidate
            or any(ord(ch) < 32 or ord(ch) == 127 for ch in candidate)):
        return default
    parts = urlsplit(candidate)
    if parts.scheme or parts.netloc:
        return default
    return candidate


def path_on_this_host(url, host):
    """The path (and query) of `url` when it is an address on `host` ("http://shop/cart?x=1" -> "/cart?x=1")
    or already a path, checked by same_site_path; None for anything else. For the Referer and htmx's
    HX-Current-URL, which browsers send as absolute URLs."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    if parts.netloc and parts.netloc != host:
        return None
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return same_site_path(path)
