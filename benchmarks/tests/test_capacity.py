"""The capacity model's arithmetic and measurements (benchmarks/capacity.py)."""

from decimal import Decimal
from types import SimpleNamespace

from benchmarks.capacity import (
    LAMBDA_PLATFORM_LINES,
    LOG_EVENT_OVERHEAD_BYTES,
    PARTITION_WCU,
    Load,
    counters_load,
    front_door_dollars,
    limiter_writes_per_request,
    log_bytes_per_request,
    measure_counters,
    requests_per_order,
    stage_memory,
    write,
)
from catalog.models import CoPurchase
from catalog.sales import CO_PURCHASE_MAX_LINES, SaleLine


def test_each_stages_memory_is_read_from_zappa_settings():
    assert stage_memory() == {"dev": 1024, "test": 1024, "prod": 2048}


def test_the_front_doors_per_thousand_orders():
    assert sum(requests_per_order(3).values()) == 26
    assert sum(requests_per_order(32).values()) == 55
    assert front_door_dollars(lines=3, door="REST API") == Decimal("0.091")
    assert front_door_dollars(lines=3, door="HTTP API") == Decimal("0.026")
    assert front_door_dollars(lines=3, door="function URL + CloudFront + WAF") == Decimal("0.0416")


def test_the_rate_limiter_writes_once_per_chunk_and_a_request_logs_four_lines():
    assert limiter_writes_per_request() == Decimal("0.1")  # the standard plan's chunk of 10
    platform = sum(len(line.encode()) for line in LAMBDA_PLATFORM_LINES)
    assert log_bytes_per_request(SimpleNamespace(log_line_bytes=300)) == 300 + platform + 4 * LOG_EVENT_OVERHEAD_BYTES


def test_an_lsi_copy_counts_against_the_base_items_partition():
    before = {"pk": {"S": "t#book"}, "partner_id": {"S": "other"}, "times": {"N": "1"}}
    after = dict(before, times={"N": "2"})
    load = Load()
    write(load, CoPurchase, before, after, tenant_id="t", transactional=True)
    # The ADD (2 units, transactional) and the LSI's delete + put (its key `times` moved): one partition.
    assert dict(load.wcu) == {("co_purchases", "{t}#book"): 4}


def test_a_32_line_orders_counters_grow_linearly_after_the_pair_bound(tenant):
    books = [f"book-{n:02}" for n in range(32)]
    writes = {
        n: measure_counters(
            tenant_id=tenant.tenant_id,
            purchase_id=f"order-{n}",
            sale=[SaleLine(book_id=b, category="Fiction", quantity=1) for b in books[:n]],
        )
        for n in (3, 32)
    }
    loads = {n: counters_load(SimpleNamespace(tenant_id=tenant.tenant_id), SimpleNamespace(counter_writes=w))
             for n, w in writes.items()}  # fmt: skip

    pairs = {n: sum(1 for model, _, _ in w if model is CoPurchase) for n, w in writes.items()}
    assert pairs == {3: 6, 32: CO_PURCHASE_MAX_LINES * (CO_PURCHASE_MAX_LINES - 1)}
    wcu = {n: load.total_wcu for n, load in loads.items()}
    assert wcu[3] == 44
    assert wcu[32] / 32 < 2 * wcu[3] / 3  # linear in the lines (every pair would be 4,182 units)

    # A best-selling book's co-purchase partition: base and LSI copies share its 1,000 WCU.
    hottest = {n: max(v for (table, _), v in load.wcu.items() if table == "co_purchases") for n, load in loads.items()}
    assert PARTITION_WCU / hottest[3] == 125
    assert hottest[32] == (CO_PURCHASE_MAX_LINES - 1) * 4
