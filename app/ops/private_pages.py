"""Pages that no cache may keep: what a signed-in shopper sees, and the blueprints whose every page
belongs to one visitor (cart, account and login forms, admin; checkout and orders mark theirs the same way).

A shared cache (a proxy, a CDN) that kept such a page would hand one shopper's name, cart or order to
the next visitor, and a browser's back button would show it after logout. So their responses carry
`Cache-Control: no-store` and `Vary: Cookie` (they differ per shopper). Two ways to get there:

    mark_private(bp)              every response of a blueprint (call it where the blueprint is made)
    no_store_for_signed_in        app-wide: every response to a signed-in shopper, whatever the page

Anonymous catalog pages are left alone: whether and how they are cached is decided where they are made.
"""
from flask import request
from flask_login import current_user


def no_store(response):
    response.headers["Cache-Control"] = "no-store"
    response.vary.add("Cookie")
    return response


def mark_private(blueprint):
    """No response of this blueprint's views is ever stored (errors and redirects included)."""
    blueprint.after_request(no_store)
    return blueprint


# Files that are the same for everyone (uploaded product images too): cached whoever asks.
PUBLIC_FILE_ENDPOINTS = frozenset({"static", "catalog.product_image_file"})


def no_store_for_signed_in(response):
    """after_request: the header of every page shows who is signed in and their cart, so nothing
    answered to a signed-in shopper is stored. Static files are the same for everyone. The login is
    only looked up when the request carries a cookie that could hold one."""
    if request.endpoint in PUBLIC_FILE_ENDPOINTS or not request.cookies:
        return response
    if current_user.is_authenticated:
        no_store(response)
    return response
