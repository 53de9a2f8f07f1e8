"""bookstore/dynamodb/exports.py and the export_tables / import_tables commands, against the emulator.

Round trips compare every item of every table exactly, in DynamoDB's typed form.
"""

import gzip
import json
from decimal import Decimal

import pytest
from botocore.awsrequest import AWSResponse
from django.core.management import CommandError, call_command
from pynamodb.attributes import UnicodeAttribute
from pynamodb.models import Model

from bookstore.dynamodb.base import TableMeta, connection
from bookstore.dynamodb.exports import MANIFEST
from bookstore.dynamodb.registry import registered_models
from bookstore.dynamodb.tenant_fields import EXACT, PREFIX, TenantOwned, tenancy_problems

# A value of every DynamoDB type, put on a user item with the low-level client.
TYPED_ATTRIBUTES = {
    "exact_number": {"N": "12345678901234567890.123456789"},
    "tiny_number": {"N": "0.000000000000000000000000000001"},
    "nothing": {"NULL": True},
    "flag": {"BOOL": False},
    "blob": {"B": b"\x00\xffbinary\x10"},
    "blobs": {"BS": [b"\x01", b"\x02\x03"]},
    "words": {"SS": ["uno", "dos", "tres"]},
    "numbers": {"NS": ["1", "2.5", "-3"]},
    "nested": {"M": {"list": {"L": [{"S": "a"}, {"N": "1.10"}, {"NULL": True}, {"M": {}}]}, "empty": {"S": ""}}},
}


@pytest.fixture
def shop(tenant_factory, user_factory, book_factory, cart_with, placed_order, client_for):
    """`shop(tenant_id)`: a tenant with a customer who has a purchase, a cart, a favourite and a wishlist."""

    def make(tenant_id: str):
        tenant = tenant_factory(tenant_id)
        customer = user_factory(tenant, email=f"ana@{tenant_id}.example.com")
        first, second = book_factory(tenant), book_factory(tenant, title="Rayuela", category="Novel", author="Cortázar")
        placed_order(customer, first, quantity=2)
        cart_with(customer, second, 1)
        client = client_for(customer)
        assert client.post(f"/api/v1/users/favorites/{first.book_id}").status_code == 201
        assert client.post(f"/api/v1/users/wishlist/{second.book_id}", {"priority": 2}).status_code == 201
        refresh = client.post(
            "/api/v1/users/login",
            {"email": customer.email, "password": "correct-horse-battery-staple", "tenant_id": tenant_id},
        ).json()["refresh"]
        assert client.post("/api/v1/users/logout", {"refresh": refresh}).status_code in (200, 204, 205)
        connection().client.put_item(
            TableName=customer.Meta.table_name,
            Item={"pk": {"S": f"{tenant_id}#typed"}, "sk": {"S": "USER#typed"}, **TYPED_ATTRIBUTES},
        )
        return customer

    return make


def all_strings(value):
    if isinstance(value, dict):
        for inner in value.values():
            yield from all_strings(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from all_strings(inner)
    elif isinstance(value, str):
        yield value


# --- The tenancy declarations ---------------------------------------------------------------


def test_every_registered_model_declares_where_it_carries_the_tenant():
    problems = [problem for model in registered_models() for problem in tenancy_problems(model)]
    assert problems == []


def test_a_model_without_its_rename_rule_fails_the_check():
    class Gadget(Model):
        class Meta(TableMeta):
            table_name = "gadgets"

        pk = UnicodeAttribute(hash_key=True)
        tenant_id = UnicodeAttribute()
        owner_key = UnicodeAttribute()

    assert "declares no TENANCY" in tenancy_problems(Gadget)[0]
    Gadget.TENANCY = TenantOwned(pk=PREFIX)
    assert tenancy_problems(Gadget) == [
        "Gadget.owner_key may carry the tenant: declare it in TENANCY or in without_tenant",
        "Gadget.tenant_id may carry the tenant: declare it in TENANCY or in without_tenant",
    ]
    Gadget.TENANCY = TenantOwned(pk=PREFIX, tenant_id=EXACT, without_tenant=("owner_key",))
    assert tenancy_problems(Gadget) == []


def test_rename_rewrites_only_the_tenant_part():
    rule = TenantOwned(pk="TENANT#{tenant}", tenant_id=EXACT, key=PREFIX)
    item = {"pk": {"S": "TENANT#shop"}, "tenant_id": {"S": "shop"}, "key": {"S": "shop#EMAIL#shop@shop.es"}}
    assert rule.tenant_of(item) == "shop"
    assert rule.renamed(item, old="shop", new="new-shop") == {
        "pk": {"S": "TENANT#new-shop"},
        "tenant_id": {"S": "new-shop"},
        "key": {"S": "new-shop#EMAIL#shop@shop.es"},
    }
    other = {"key": {"S": "shopping#EMAIL#a@b.es"}}
    assert rule.tenant_of(other) == "shopping"
    assert rule.renamed(other, old="shop", new="new-shop") == other


# --- Export, import, round trips ------------------------------------------------------------


def test_export_two_tenants_then_import_into_empty_tables_restores_every_item_exactly(
    shop, tmp_path, capsys, stored_items, empty_tables
):
    shop("tenant1")
    shop("tenant2")
    before = stored_items(tenant_data_only=True)  # rate-limit windows are the stage's, not a tenant's
    call_command("export_tables", out=str(tmp_path / "one"), tenant="tenant1")
    call_command("export_tables", out=str(tmp_path / "two"), tenant="tenant2")
    manifest = json.loads((tmp_path / "one" / MANIFEST).read_text())
    assert manifest["tenant"] == "tenant1"
    assert manifest["stage"] == "test"
    assert manifest["tables"]["users"]["count"] == 2  # the customer and the typed item
    assert {"name": "pk", "key_type": "HASH", "type": "S"} in manifest["tables"]["users"]["key_schema"]
    assert "rate_limits" not in manifest["tables"]

    empty_tables()
    call_command("import_tables", in_dir=str(tmp_path / "one"))
    call_command("import_tables", in_dir=str(tmp_path / "two"))

    after = stored_items(tenant_data_only=True)
    assert after == before
    users = after[next(m for m in registered_models() if m.__name__ == "User").Meta.table_name]
    typed = json.loads(next(line for line in users if '"tenant1#typed"' in line))
    assert typed["exact_number"] == {"N": "12345678901234567890.123456789"}
    assert Decimal(typed["tiny_number"]["N"]) == Decimal("1e-30")
    assert typed["blobs"]["BS"] == sorted(["AQ==", "AgM="])
    assert typed["nothing"] == {"NULL": True}


def test_a_tenant_export_holds_only_that_tenants_items(shop, tmp_path):
    shop("tenant1")
    shop("tenant2")
    call_command("export_tables", out=str(tmp_path), tenant="tenant2")
    for entry in json.loads((tmp_path / MANIFEST).read_text())["tables"].values():
        with gzip.open(tmp_path / entry["file"], "rt") as lines:
            for line in lines:
                assert "tenant1" not in line


def test_a_renamed_tenant_logs_in_and_sees_its_cart_and_purchases(
    shop, tmp_path, api_client, stored_items, empty_tables
):
    customer = shop("tenant1")
    shop("tenant2")
    call_command("export_tables", out=str(tmp_path), tenant="tenant1")
    empty_tables()

    call_command("import_tables", in_dir=str(tmp_path), rename_tenant="tenant1:moved-shop")

    for lines in stored_items().values():
        for line in lines:
            strings = list(all_strings(json.loads(line)))
            assert not [s for s in strings if s == "tenant1" or s.startswith(("tenant1#", "TENANT#tenant1"))], line
    login = api_client.post(
        "/api/v1/users/login",
        {"email": customer.email, "password": "correct-horse-battery-staple", "tenant_id": "moved-shop"},
        format="json",
    )
    assert login.status_code == 200, login.content
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {login.json()['access']}")
    cart = api_client.get("/api/v1/cart").json()
    assert [line["title"] for line in cart["items"]] == ["Rayuela"]
    purchases = api_client.get("/api/v1/purchases").json()["results"]
    assert len(purchases) == 1
    assert purchases[0]["items"][0]["quantity"] == 2
    assert len(api_client.get("/api/v1/users/favorites").json()["results"]) == 1
    books = api_client.get("/api/v1/books", HTTP_X_TENANT_ID="moved-shop").json()["results"]
    assert len(books) == 2
    categories = api_client.get("/api/v1/books/categories", HTTP_X_TENANT_ID="moved-shop").json()
    assert {c["name"]: c["count"] for c in categories["results"]} == {"Fiction": 1, "Novel": 1}
    api_client.credentials()
    old_login = api_client.post(
        "/api/v1/users/login",
        {"email": customer.email, "password": "correct-horse-battery-staple", "tenant_id": "tenant1"},
        format="json",
    )
    assert old_login.status_code == 401  # the old tenant is gone


def test_reimporting_is_safe_and_a_dry_run_writes_nothing(shop, tmp_path, capsys, stored_items, empty_tables):
    shop("tenant1")
    call_command("export_tables", out=str(tmp_path))
    before = stored_items()
    empty_tables()

    call_command("import_tables", in_dir=str(tmp_path), dry_run=True)
    assert "Would write" in capsys.readouterr().out
    assert not any(stored_items().values())

    call_command("import_tables", in_dir=str(tmp_path))
    call_command("import_tables", in_dir=str(tmp_path))
    assert stored_items() == before


@pytest.mark.parametrize("damage", ["flip_a_byte", "drop_a_file", "miscount", "no_manifest"])
def test_a_damaged_export_is_refused_and_nothing_is_written(shop, tmp_path, damage, stored_items, empty_tables):
    shop("tenant1")
    call_command("export_tables", out=str(tmp_path))
    empty_tables()
    manifest_path = tmp_path / MANIFEST
    manifest = json.loads(manifest_path.read_text())
    books = tmp_path / manifest["tables"]["books"]["file"]
    if damage == "flip_a_byte":
        data = bytearray(books.read_bytes())
        data[len(data) // 2] ^= 0xFF
        books.write_bytes(bytes(data))
    elif damage == "drop_a_file":
        books.unlink()
    elif damage == "miscount":
        manifest["tables"]["books"]["count"] += 1
        manifest_path.write_text(json.dumps(manifest))
    else:
        manifest_path.unlink()

    with pytest.raises(CommandError, match="The export is damaged or incomplete; nothing was written"):
        call_command("import_tables", in_dir=str(tmp_path))
    assert not any(stored_items().values())


def test_an_export_for_a_table_this_code_does_not_know_is_refused(shop, tmp_path):
    shop("tenant1")
    call_command("export_tables", out=str(tmp_path), tables=["tenants"])
    manifest = json.loads((tmp_path / MANIFEST).read_text())
    manifest["tables"]["gadgets"] = manifest["tables"]["tenants"]
    (tmp_path / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(CommandError, match="does not register"):
        call_command("import_tables", in_dir=str(tmp_path))


def test_unprocessed_items_are_sent_again(shop, tmp_path, stored_items, empty_tables):
    shop("tenant1")
    call_command("export_tables", out=str(tmp_path))
    before = stored_items()
    empty_tables()
    client = connection().client
    sent, refused = [], []

    def remember(params, **kwargs):
        sent.append(params["RequestItems"])

    def throttle_every_other_call(**kwargs):
        # Fault injection: DynamoDB answers "not processed" for every item of every other call.
        if len(sent) % 2:
            refused.append(sent[-1])
            return AWSResponse("http://emulator", 200, {}, None), {"UnprocessedItems": sent[-1]}
        return None

    hooks = [
        ("before-parameter-build.dynamodb.BatchWriteItem", remember),
        ("before-call.dynamodb.BatchWriteItem", throttle_every_other_call),
    ]
    for event, hook in hooks:
        client.meta.events.register(event, hook)
    try:
        call_command("import_tables", in_dir=str(tmp_path))
    finally:
        for event, hook in hooks:
            client.meta.events.unregister(event, hook)
    assert len(refused) >= 2
    assert stored_items() == before


def test_a_bad_rename_is_refused(tmp_path):
    with pytest.raises(CommandError, match="A rename is OLD:NEW"):
        call_command("import_tables", in_dir=str(tmp_path), rename_tenant="tenant1")
