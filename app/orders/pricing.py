"""What an order costs: lines at the products' current prices, a flat-rate shipping method (free from the
threshold where the method allows it), and tax from the rate table by country and region.

One function prices both what the review page shows and what place_order charges, so the two can only
differ when the catalog changed in between, and then the shopper is shown the difference before any
charge (Quote.differences). Integer minor units throughout; tax is rounded half up once per order.
"""
import hashlib
import json
from dataclasses import dataclass, field

from app.money import format_money

BASIS_POINTS = 10_000


@dataclass(frozen=True)
class ShippingMethod:
    code: str
    name: str
    price: int
    detail: str = ""
    free_from_threshold: bool = False


@dataclass(frozen=True)
class PricingRules:
    """The shop's pricing settings, read once from the app config by the caller."""

    currency: str = "USD"
    free_shipping_from: int = 0
    shipping_methods: tuple = ()
    tax_rates: dict = field(default_factory=dict)
    tax_on_shipping: bool = False

    @classmethod
    def from_config(cls, config):
        methods = tuple(
            ShippingMethod(code=str(m["code"]), name=str(m["name"]), price=int(m["price"]),
                           detail=str(m.get("detail", "")), free_from_threshold=bool(m.get("free_from_threshold")))
            for m in config["SHIPPING_METHODS"]
        )
        rates = {str(key).upper(): int(value) for key, value in (config.get("TAX_RATES") or {}).items()}
        return cls(currency=config["CURRENCY"], free_shipping_from=int(config["FREE_SHIPPING_FROM"] or 0),
                   shipping_methods=methods, tax_rates=rates, tax_on_shipping=bool(config.get("TAX_ON_SHIPPING")))

    def method(self, code):
        return next((m for m in self.shipping_methods if m.code == code), None)

    def shipping_cost(self, method, subtotal):
        if method.free_from_threshold and self.free_shipping_from and subtotal >= self.free_shipping_from:
            return 0
        return method.price

    def tax_rate(self, country, region=""):
        """Basis points for an address: "COUNTRY-REGION" first, then "COUNTRY", else none."""
        country = (country or "").strip().upper()
        region = (region or "").strip().upper()
        if region and f"{country}-{region}" in self.tax_rates:
            return self.tax_rates[f"{country}-{region}"]
        return self.tax_rates.get(country, 0)


@dataclass(frozen=True)
class QuoteLine:
    product_id: int
    name: str
    unit_price: int
    quantity: int
    sku: str = ""

    @property
    def line_total(self):
        return self.unit_price * self.quantity


@dataclass(frozen=True)
class Quote:
    lines: tuple
    currency: str
    shipping_method: ShippingMethod | None
    shipping: int
    tax_rate: int
    tax: int

    @property
    def subtotal(self):
        return sum(line.line_total for line in self.lines)

    @property
    def total(self):
        return self.subtotal + self.shipping + self.tax

    @property
    def item_count(self):
        return sum(line.quantity for line in self.lines)

    def compact(self):
        """A small plain form of what the shopper is shown; the review form carries it (signed), so that
        a difference at placement can be described line by line."""
        return {"c": self.currency, "m": self.shipping_method.code if self.shipping_method else "",
                "l": [[line.product_id, line.quantity, line.unit_price, line.name] for line in self.lines],
                "s": self.shipping, "r": self.tax_rate, "x": self.tax, "t": self.total}

    def digest(self):
        return hashlib.sha256(json.dumps(self.compact(), sort_keys=True).encode()).hexdigest()


def make_quote(lines, rules, method_code, country="", region=""):
    """Price `lines` (QuoteLines) with the shipping method `method_code` (None: not chosen yet, no
    shipping line) for an address in `country`/`region`."""
    lines = tuple(lines)
    subtotal = sum(line.line_total for line in lines)
    method = rules.method(method_code) if method_code else None
    shipping = rules.shipping_cost(method, subtotal) if method else 0
    rate = rules.tax_rate(country, region)
    taxable = subtotal + (shipping if rules.tax_on_shipping else 0)
    tax = (taxable * rate + BASIS_POINTS // 2) // BASIS_POINTS
    return Quote(lines=lines, currency=rules.currency, shipping_method=method, shipping=shipping,
                 tax_rate=rate, tax=tax)


def differences(seen, fresh):
    """Sentences a shopper understands for how `fresh` (a Quote) differs from `seen` (a Quote.compact()
    as shown on the review page). Empty when nothing that matters changed."""
    currency = fresh.currency
    money = lambda minor: format_money(minor, currency)  # noqa: E731
    before = {row[0]: row for row in seen.get("l", [])}
    now = {line.product_id: line for line in fresh.lines}
    changes = []
    for product_id, row in before.items():
        line = now.get(product_id)
        if line is None:
            changes.append(f"{row[3]} is no longer in your order.")
            continue
        if line.unit_price != row[2]:
            way = "went up" if line.unit_price > row[2] else "went down"
            changes.append(f"The price of {line.name} {way}: {money(line.unit_price)} each (was {money(row[2])}).")
        if line.quantity != row[1]:
            changes.append(f"{line.name}: the quantity is now {line.quantity} (was {row[1]}).")
    for product_id, line in now.items():
        if product_id not in before:
            changes.append(f"{line.quantity} × {line.name} was added to your order.")
    if fresh.shipping != seen.get("s"):
        changes.append(f"Shipping is now {money(fresh.shipping)} (was {money(seen.get('s') or 0)}).")
    if fresh.tax != seen.get("x"):
        changes.append(f"Tax is now {money(fresh.tax)} (was {money(seen.get('x') or 0)}).")
    if changes or fresh.total != seen.get("t"):
        changes.append(f"The new total is {money(fresh.total)} (was {money(seen.get('t') or 0)}).")
    return changes
