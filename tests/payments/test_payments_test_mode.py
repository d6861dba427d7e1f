"""The offline test mode remembers its transactions across a restart: what it sold before can still be
captured and refunded, because it recalls them from the shop's own payment rows."""
from app.payments.test_mode import TestModeGateway
from tests.commerce import VISA, order_row
from tests.factories import log_in, make_user


def test_capture_and_refund_after_a_restart(app, shopper, make_product):
    app.config["PAYMENT_CAPTURE"] = "manual"
    lamp = make_product("Lamp", price=2000, stock=5).id
    assert shopper.place(shopper.ready(lamp), VISA).status_code == 303
    number = order_row(app).number
    assert order_row(app, number).status == "authorized"

    app.extensions["payment_gateway"] = TestModeGateway()  # a new process: its memory is empty
    make_user(app, email="boss@example.com", admin=True)
    admin = app.test_client()
    log_in(admin, email="boss@example.com")
    admin.post(f"/admin/orders/{number}/capture")
    assert order_row(app, number).status == "paid"

    app.extensions["payment_gateway"] = TestModeGateway()
    admin.post(f"/admin/orders/{number}/refund", data={"amount": "5.00"})
    order = order_row(app, number)
    assert (order.status, order.refunded) == ("partially_refunded", 500)
    assert [(p.kind, p.status) for p in order.payments] == [("sale", "submitted"), ("refund", "refunded")]


def test_an_unknown_transaction_is_still_unknown(app):
    with app.app_context():
        gateway = TestModeGateway()
        assert gateway.find("test_nosuch") is None
        assert gateway.submit_for_settlement("test_nosuch").outcome == "invalid"
        assert gateway.transactions_for_order("261129-NOSUCH") == []
