"""Declined payments are rate-limited (RATELIMIT_PAYMENT) per cart and per client address: a stolen-card
tester gets a 429; a shopper whose card went through is never counted."""
import pytest

from tests.commerce import DECLINED_VISA, VISA, Shopper, orders


@pytest.fixture
def app_config():
    return {"RATELIMIT_ENABLED": True, "RATELIMIT_PAYMENT": "2 per hour"}


def test_declines_beyond_the_limit_get_429(app, shopper, make_product):
    form = shopper.ready(make_product("Lamp", stock=5).id)
    assert shopper.place(form, DECLINED_VISA).status_code == 422
    assert shopper.place(form, DECLINED_VISA).status_code == 422
    refused = shopper.place(form, VISA)
    assert refused.status_code == 429 and "tried that too many times" in refused.get_data(as_text=True)
    assert orders(app)[0][1] == "payment_failed"


def test_approved_payments_are_not_counted(app, make_product):
    lamp = make_product("Lamp", stock=50).id
    for _ in range(3):
        buyer = Shopper(app.test_client())
        assert buyer.place(buyer.ready(lamp), VISA).status_code == 303
    assert [status for _n, status, _t in orders(app)] == ["paid"] * 3
