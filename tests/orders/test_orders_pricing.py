"""Pricing: flat-rate shipping with the free-shipping threshold, tax from the rate table, and the sentences
that tell a shopper what changed."""
from app.orders.pricing import PricingRules, QuoteLine, ShippingMethod, differences, make_quote

STANDARD = ShippingMethod("standard", "Standard", 495, free_from_threshold=True)
EXPRESS = ShippingMethod("express", "Express", 1495)


def rules(**overrides):
    values = dict(currency="USD", free_shipping_from=5000, shipping_methods=(STANDARD, EXPRESS),
                  tax_rates={"US-CA": 725, "DE": 1900}, tax_on_shipping=False)
    values.update(overrides)
    return PricingRules(**values)


def lines(*prices_quantities):
    return [QuoteLine(product_id=i + 1, name=f"P{i + 1}", unit_price=price, quantity=quantity)
            for i, (price, quantity) in enumerate(prices_quantities)]


def test_shipping_is_free_from_the_threshold_only_for_methods_that_allow_it():
    below = make_quote(lines((2499, 2)), rules(), "standard")
    assert (below.subtotal, below.shipping, below.total) == (4998, 495, 5493)
    at = make_quote(lines((2500, 2)), rules(), "standard")
    assert (at.shipping, at.total) == (0, 5000)
    express = make_quote(lines((2500, 2)), rules(), "express")
    assert express.shipping == 1495
    off = make_quote(lines((2500, 2)), rules(free_shipping_from=0), "standard")
    assert off.shipping == 495


def test_no_method_means_no_shipping_line_yet():
    quote = make_quote(lines((1000, 1)), rules(), None)
    assert quote.shipping_method is None and quote.shipping == 0 and quote.total == 1000
    assert make_quote(lines((1000, 1)), rules(), "teleport").shipping_method is None


def test_tax_by_country_and_region_rounded_half_up_once_per_order():
    california = make_quote(lines((1000, 1), (333, 3)), rules(), "express", "us", "ca")
    assert california.tax_rate == 725
    assert california.tax == 145  # 1999 * 7.25 % = 144.93 -> 145
    assert california.total == 1999 + 1495 + 145
    texas = make_quote(lines((1000, 1)), rules(), "express", "US", "TX")
    assert texas.tax == 0 and texas.tax_rate == 0
    germany = make_quote(lines((1000, 1)), rules(), "express", "DE", "BY")  # the country's rate applies
    assert germany.tax == 190
    nowhere = make_quote(lines((1000, 1)), rules(tax_rates={}), "express", "US", "CA")
    assert nowhere.tax == 0


def test_tax_on_shipping_when_configured():
    quote = make_quote(lines((1000, 1)), rules(tax_on_shipping=True), "express", "DE")
    assert quote.tax == (1000 + 1495) * 1900 // 10000 + (1 if ((1000 + 1495) * 1900) % 10000 >= 5000 else 0)


def test_rules_from_config_read_json_style_settings(app):
    config = {**app.config, "TAX_RATES": {"us-ny": "888"}, "FREE_SHIPPING_FROM": 0}
    loaded = PricingRules.from_config(config)
    assert [m.code for m in loaded.shipping_methods] == ["standard", "express"]
    assert loaded.tax_rate("US", "ny") == 888 and loaded.free_shipping_from == 0


def test_differences_name_each_change_in_plain_words():
    seen = make_quote(lines((1000, 1), (500, 2)), rules(), "standard", "US", "CA").compact()
    same = make_quote(lines((1000, 1), (500, 2)), rules(), "standard", "US", "CA")
    assert differences(seen, same) == []
    dearer = make_quote([QuoteLine(1, "P1", 1200, 1), QuoteLine(3, "P3", 100, 1)], rules(), "standard", "US", "CA")
    changes = differences(seen, dearer)
    assert "The price of P1 went up: $12.00 each (was $10.00)." in changes
    assert "P2 is no longer in your order." in changes
    assert "1 × P3 was added to your order." in changes
    assert changes[-1].startswith("The new total is $")
    fewer = make_quote(lines((1000, 1), (500, 1)), rules(), "standard", "US", "CA")
    assert "P2: the quantity is now 1 (was 2)." in differences(seen, fewer)
