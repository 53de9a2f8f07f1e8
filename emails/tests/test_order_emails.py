"""Order emails: the purchases stream records one per (order, event), the outbound worker sends it once."""

from datetime import timedelta
from decimal import Decimal

from boto3.dynamodb.types import TypeDeserializer
from botocore.exceptions import EndpointConnectionError
from django.conf import settings

from accounts.services import profile_update
from bookstore import aws
from bookstore.tenants import tenant_create
from emails.models import SENT, EmailRecord
from emails.records import email_id_for
from emails.stream_handlers import record_order_emails
from orders.lifecycle import pending_orders_expire, purchase_cancel
from orders.order_events import ORDER_CREATED, event_id_for
from orders.selectors import purchase_get
from outbound.queue import enqueue
from streams.registry import INSERT, StreamRecord
from testing.factories import outbound_queue_empty


def _by_recipient(messages: list[dict]) -> dict[str, dict]:
    return {message["to"][0]: message for message in messages}


def test_an_order_sends_one_confirmation_in_the_customers_language(
    tenant, user_factory, book_factory, placed_order, consume_streams, outbound_queue, outbox
):
    book = book_factory(tenant, title="Rayuela & otros", author="Julio Cortázar", price=Decimal("12.50"))
    ana = user_factory(tenant, email="ana@example.com", first_name="Ana")
    profile_update(tenant_id=tenant.tenant_id, user_id=ana.user_id, language="es")
    bob = user_factory(tenant, email="bob@example.com", first_name="Bob")  # no profile language: the tenant's (en)
    spanish_shop = tenant_create(tenant_id="tienda", name="La Tienda", language="es").tenant
    eva = user_factory(spanish_shop, email="eva@example.com", first_name="Eva")
    other_book = book_factory(spanish_shop, price=Decimal("5.00"))
    ana_order = placed_order(ana, book, quantity=2)
    bob_order = placed_order(bob, book, payment_method="transfer")
    eva_order = placed_order(eva, other_book)

    consume_streams("--tables", "purchases")
    outbound_queue.drain()

    sent = _by_recipient(outbox.messages(tenant.tenant_id))
    assert sorted(sent) == ["ana@example.com", "bob@example.com"]
    spanish, english = sent["ana@example.com"], sent["bob@example.com"]
    assert spanish["from_email"] == f'"Tenant One" <{settings.DEFAULT_FROM_EMAIL}>'
    assert (spanish["kind"], spanish["language"]) == ("order_confirmation", "es")
    assert spanish["subject"] == f"Tenant One: tu pedido {ana_order.purchase_id}"
    for part in (spanish["text"], spanish["html"]):
        assert "Hola Ana" in part
        assert "Julio Cortázar" in part
        assert "25.00" in part
        assert "12.50" in part
        assert "Calle Mayor 1" in part
        assert "28013 Madrid" in part
        assert "Pagado" in part
    assert "Rayuela & otros: 2 x 12.50 = 25.00" not in spanish["text"]  # the line shows the author too
    assert "- Rayuela & otros (Julio Cortázar): 2 x 12.50 = 25.00" in spanish["text"]  # no HTML escaping in text
    assert "Rayuela &amp; otros" in spanish["html"]
    assert english["language"] == "en"
    assert english["subject"] == f"Tenant One: your order {bob_order.purchase_id}"
    assert "Hi Bob" in english["text"]
    assert "Awaiting payment" in english["text"]
    assert "bank transfer" in english["text"]
    fallback = outbox.messages("tienda")
    assert [(m["to"], m["language"]) for m in fallback] == [(["eva@example.com"], "es")]
    assert fallback[0]["subject"] == f"La Tienda: tu pedido {eva_order.purchase_id}"
    assert fallback[0]["from_email"] == f'"La Tienda" <{settings.DEFAULT_FROM_EMAIL}>'

    consume_streams("--tables", "purchases")
    outbound_queue.drain()
    assert len(outbox.messages(tenant.tenant_id)) == 2  # nothing new, nothing twice


def test_a_cancellation_and_an_expiry_each_send_their_notice_once(
    tenant, customer, book_factory, placed_order, consume_streams, outbound_queue, outbox, clock
):
    book = book_factory(tenant, price=Decimal("10.00"))
    paid = placed_order(customer, book)
    unpaid = placed_order(customer, book, payment_method="transfer")
    purchase_cancel(tenant_id=tenant.tenant_id, user_id=customer.user_id, purchase_id=paid.purchase_id)
    clock.advance(timedelta(hours=settings.PENDING_ORDER_HOURS + 1))
    assert pending_orders_expire(tenant_id=tenant.tenant_id).expired == 1

    for _ in range(2):  # the second pass finds everything done
        consume_streams("--tables", "purchases")
        outbound_queue.drain()

    sent = [(m["kind"], m["subject"]) for m in outbox.messages(tenant.tenant_id)]
    assert sorted(sent) == sorted(
        [
            ("order_confirmation", f"Tenant One: your order {paid.purchase_id}"),
            ("order_confirmation", f"Tenant One: your order {unpaid.purchase_id}"),
            ("order_cancelled", f"Tenant One: your order {paid.purchase_id} was cancelled"),
            ("order_expired", f"Tenant One: your order {unpaid.purchase_id} expired unpaid"),
        ]
    )
    cancelled = next(m for m in outbox.messages(tenant.tenant_id) if m["kind"] == "order_cancelled")
    assert "10.00 will be refunded to you" in cancelled["text"]


def _insert_record(purchase) -> StreamRecord:
    image = TypeDeserializer().deserialize({"M": purchase.serialize()})
    return StreamRecord(
        table="purchases",
        event_id="1",
        event_name=INSERT,
        sequence_number="1",
        keys={"pk": purchase.pk, "sk": purchase.sk},
        new_image=image,
        old_image=None,
        event_source_arn="arn:aws:dynamodb:us-east-1:123456789012:table/purchases/stream/x",
    )


def test_a_replayed_batch_and_a_duplicated_message_send_once(
    tenant, customer, book, placed_order, outbound_queue, outbox
):
    purchase = placed_order(customer, book)
    record = _insert_record(
        purchase_get(tenant_id=tenant.tenant_id, user_id=customer.user_id, purchase_id=purchase.purchase_id)
    )

    assert record_order_emails([record, record]) == []  # the emulator's duplicated INSERT
    assert record_order_emails([record]) == []  # the batch replayed before the worker ran
    messages = outbound_queue.messages()
    assert len(messages) == 1  # enqueued once: the replay found the record enqueued

    # A crash between the put and the enqueue: the record is not enqueued, its message never left.
    email_id = email_id_for(event_id_for(tenant.tenant_id, purchase.purchase_id, ORDER_CREATED))
    EmailRecord(EmailRecord.key(tenant.tenant_id, email_id)).update(actions=[EmailRecord.enqueued.set(False)])
    outbound_queue_empty()
    assert record_order_emails([record]) == []  # the replay enqueues it then, once
    assert outbound_queue.messages() == messages
    outbound_queue.drain()

    stored = EmailRecord.get(EmailRecord.key(tenant.tenant_id, email_id), consistent_read=True)
    assert stored.status == SENT
    assert [m["email_id"] for m in outbox.messages(tenant.tenant_id)] == [email_id]
    assert stored.message_id == outbox.messages(tenant.tenant_id)[0]["message_id"]

    assert record_order_emails([record]) == []  # replayed after the send: nothing to enqueue
    assert outbound_queue.messages() == []
    enqueue([messages[0]])  # the queue delivers the message once more
    outbound_queue.drain()
    assert len(outbox.messages(tenant.tenant_id)) == 1


def test_a_batch_that_could_not_enqueue_fails_and_its_retry_sends_once(
    tenant, customer, book, placed_order, outbound_queue, outbox
):
    purchase = placed_order(customer, book)
    record = _insert_record(
        purchase_get(tenant_id=tenant.tenant_id, user_id=customer.user_id, purchase_id=purchase.purchase_id)
    )
    sqs = aws.client("sqs")

    def queue_down(**kwargs):
        raise EndpointConnectionError(endpoint_url="http://sqs")

    sqs.meta.events.register("before-call.sqs.SendMessageBatch", queue_down)
    try:
        failures = record_order_emails([record])
    finally:
        sqs.meta.events.unregister("before-call.sqs.SendMessageBatch", queue_down)
    assert [(f.record, f.transient) for f in failures] == [(record, True)]  # the shard retries it, never parks it

    assert record_order_emails([record]) == []  # the retry: the record exists, still pending, so it is enqueued
    outbound_queue.drain()
    assert [m["kind"] for m in outbox.messages(tenant.tenant_id)] == ["order_confirmation"]
