"""Absolute links for mail, SMS and anything else read away from the site, and the hosts we answer for.

A link in a message must point at the shop, never at whatever Host header the request that caused the
message carried: an attacker who posts `/password/forgot` with `Host: evil.example` would otherwise get
the victim's reset token mailed inside a link to evil.example. So absolute URLs are built from one
configured base, SHOP_BASE_URL, and never from the request; and requests for hosts that are not ours are
refused (Flask's TRUSTED_HOSTS, derived from that same base unless set explicitly).
"""
from urllib.parse import urlsplit

from flask import current_app, request
from werkzeug.middleware.proxy_fix import ProxyFix

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


class InvalidBaseUrl(ValueError):
    pass


def parse_base_url(base_url):
    """(scheme, netloc, path) of an http(s) base URL without query or fragment; InvalidBaseUrl otherwise."""
    parts = urlsplit((base_url or "").strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise InvalidBaseUrl(
            f"SHOP_BASE_URL must be an http:// or https:// address like https://shop.example.com, not {base_url!r}")
    return parts.scheme, parts.netloc, parts.path.rstrip("/")


def trusted_hosts_for(base_url):
    """The hosts to trust when TRUSTED_HOSTS is not set: the base URL's host, and on a development
    machine (a loopback base) every loopback name, so both http://127.0.0.1 and http://localhost work."""
    host = urlsplit(base_url).hostname
    return list(LOOPBACK_HOSTS) if host in LOOPBACK_HOSTS else [host]


def configure_hosts(app):
    """Check SHOP_BASE_URL at startup (a typo must not wait for the first mail) and fill TRUSTED_HOSTS."""
    parse_base_url(app.config["SHOP_BASE_URL"])
    if app.config.get("TRUSTED_HOSTS") is None:
        app.config["TRUSTED_HOSTS"] = trusted_hosts_for(app.config["SHOP_BASE_URL"])


def trust_proxies(app):
    """Behind TRUSTED_PROXIES reverse proxies, the client's address and scheme are read from the
    X-Forwarded-For and X-Forwarded-Proto entries those proxies add (the rate limits key on the address).
    With the default 0 the headers are ignored: otherwise any client could name its own address and
    step around every per-address limit. The Host header is never taken from X-Forwarded-Host: the proxy
    passes the shopper's Host on, and TRUSTED_HOSTS checks it."""
    hops = app.config["TRUSTED_PROXIES"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)


def external_url(endpoint, **values):
    """An absolute URL for `endpoint` on SHOP_BASE_URL, the same inside a request, a CLI command or a
    worker. Use it for every link that leaves the site; use url_for for links on our own pages."""
    return external_url_builder()(endpoint, **values)


def external_url_builder():
    """external_url with the URL map bound once, for building many links (a sitemap)."""
    scheme, netloc, script_root = parse_base_url(current_app.config["SHOP_BASE_URL"])
    adapter = current_app.url_map.bind(netloc, script_name=script_root or "/", url_scheme=scheme)
    return lambda endpoint, **values: adapter.build(endpoint, values, force_external=True)


def canonical_url():
    """This page's address on SHOP_BASE_URL without its query string: the <link rel="canonical"> of a
    page that does not name its own (catalog pages do)."""
    scheme, netloc, script_root = parse_base_url(current_app.config["SHOP_BASE_URL"])
    return f"{scheme}://{netloc}{script_root}{request.path}"
