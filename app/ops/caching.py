"""Per-shopper pages must never be stored by a browser or proxy cache: checkout steps, order pages,
payment answers. A blueprint opts in with no_store_for(bp). (Issue 9 brings a shop-wide mechanism; this
small hook is meant to fold into it.)"""


def no_store(response):
    response.headers["Cache-Control"] = "no-store"
    response.vary.add("Cookie")
    return response


def no_store_for(blueprint):
    blueprint.after_request(no_store)
