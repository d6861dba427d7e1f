"""POST /webhooks/braintree: notifications made by the SDK's webhook_testing.sample_notification with the
shop's keys are verified, recorded on the order once, and acted on; a bad signature gets 400. The endpoint
is exempt from the CSRF check (Braintree cannot send our token) and from nothing else."""
import braintree
import pytest

from tests.commerce import VISA, order_row


@pytest.fixture
def app_config(standin):
    return {**standin.config, "WTF_CSRF_ENABLED": True}


@pytest.fixture
def sdk(standin):
    return braintree.BraintreeGateway(braintree.Configuration(
        braintree.Environment.Sandbox, merchant_id=standin.merchant_id, public_key=standin.public_key,
        private_key=standin.private_key))


@pytest.fixture
def paid_order(app, client, shopper, make_product, standin):
    form = shopper.ready(make_product("Lamp", stock=5).id)
    assert shopper.place(form, VISA).status_code == 303
    order = order_row(app)
    return order.number, order.payments[0].transaction_id


def notify(client, sdk, kind, subject_id):
    return client.post("/webhooks/braintree", data=sdk.webhook_testing.sample_notification(kind, subject_id))


def test_settled_is_recorded_once(app, client, sdk, paid_order):
    number, transaction_id = paid_order
    kind = braintree.WebhookNotification.Kind.TransactionSettled
    sample = sdk.webhook_testing.sample_notification(kind, transaction_id)
    first = client.post("/webhooks/braintree", data=sample)
    assert first.status_code == 200 and first.json == {"result": "recorded"}
    again = client.post("/webhooks/braintree", data=sample)
    assert again.status_code == 200 and again.json == {"result": "duplicate"}
    order = order_row(app, number)
    assert order.payments[0].status == "settled"
    assert [e.reason for e in order.events if e.kind == "webhook"] == [
        f"Transaction settled (transaction {transaction_id}, status settled)."]


def test_settlement_declined_and_disputes_land_on_the_order(app, client, sdk, paid_order):
    number, transaction_id = paid_order
    assert notify(client, sdk, braintree.WebhookNotification.Kind.TransactionSettlementDeclined,
                  transaction_id).json == {"result": "recorded"}
    assert notify(client, sdk, braintree.WebhookNotification.Kind.DisputeOpened, transaction_id).status_code == 200
    order = order_row(app, number)
    assert order.payments[0].status == "settlement_declined"
    reasons = [e.reason for e in order.events if e.kind == "webhook"]
    assert "contact the shopper before shipping" in reasons[0]
    assert reasons[1].startswith("Dispute open: reason fraud")
    admin_page_words = " ".join(reasons)
    assert "100.00 USD" in admin_page_words


def test_a_notification_about_someone_elses_transaction_is_acknowledged_and_ignored(client, sdk):
    response = notify(client, sdk, braintree.WebhookNotification.Kind.TransactionSettled, "not_ours")
    assert response.status_code == 200 and response.json == {"result": "ignored"}


def test_a_bad_signature_is_refused(app, client, sdk, paid_order):
    number, transaction_id = paid_order
    sample = sdk.webhook_testing.sample_notification(braintree.WebhookNotification.Kind.TransactionSettled,
                                                     transaction_id)
    forged = {"bt_signature": sample["bt_signature"][:-4] + "0000", "bt_payload": sample["bt_payload"]}
    assert client.post("/webhooks/braintree", data=forged).status_code == 400
    other_key = braintree.BraintreeGateway(braintree.Configuration(
        braintree.Environment.Sandbox, merchant_id="m", public_key="standin_public", private_key="someone else"))
    signed_elsewhere = other_key.webhook_testing.sample_notification(
        braintree.WebhookNotification.Kind.TransactionSettled, transaction_id)
    assert client.post("/webhooks/braintree", data=signed_elsewhere).status_code == 400
    assert client.post("/webhooks/braintree", data={}).status_code == 400
    assert client.post("/webhooks/braintree", data={"bt_signature": "x", "bt_payload": "!!"}).status_code == 400
    assert order_row(app, number).payments[0].status == "submitted"  # nothing changed


def test_only_post_and_not_in_test_mode(app, client, sdk):
    assert client.get("/webhooks/braintree").status_code == 405
    app.extensions.pop("payment_gateway", None)
    for name in ("BRAINTREE_MERCHANT_ID", "BRAINTREE_PUBLIC_KEY", "BRAINTREE_PRIVATE_KEY"):
        app.config[name] = None
    sample = sdk.webhook_testing.sample_notification(braintree.WebhookNotification.Kind.Check, "")
    assert client.post("/webhooks/braintree", data=sample).status_code == 400
