"""Seeding, export and import times by catalogue size: `seed_catalog`, and `make run`'s snapshot save and restore.

    python -m benchmarks.operations                              # exports at 1,000 books
    python -m benchmarks.operations --export-sizes 1000 10000    # and at 10,000 (about 5 more minutes)

Runs on the stack of `benchmarks.harness` (the patched emulator in-process). For each size,
one tenant is seeded with that many books (`catalog_seed`, the service of `seed_catalog`),
timed, then seeded again with the same target: the re-run must write nothing (its DynamoDB
write calls are counted through botocore events). Seeding runs at 1,000 and 10,000 books.
At each export size, then: a whole-stage export (what a snapshot saves, parallel Scan
segments), the same export with one segment, the import of it into emptied tables (what a
restore does), and a second import over the same items. `make bench` exports at 1,000 books
only: on the emulator the 10,000-book exports and imports take minutes (moto walks the whole
table for every Scan page) and say nothing the 1,000-book ones do not.
"""

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from benchmarks.harness import emulated_stack, print_table, record

SEED_SIZES = (1_000, 10_000)
EXPORT_SIZES = (1_000,)
# moto serves each Scan page by walking the whole table, one request at a time: 4 parallel
# segments of 10,000 books queue behind each other.
READ_TIMEOUT_SECONDS = 120
WRITES = ("PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems")


def _timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def _empty_tables() -> None:
    from bookstore.dynamodb.registry import registered_models

    for model in registered_models():
        with model.batch_write() as batch:
            for item in model.scan():
                batch.delete(item)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--export-sizes", type=int, nargs="+", default=list(EXPORT_SIZES), help="catalogue sizes to export and import"
    )
    export_sizes = set(parser.parse_args().export_sizes)
    with emulated_stack(read_timeout_seconds=READ_TIMEOUT_SECONDS) as counter:
        from bookstore.dynamodb.exports import tables_export, tables_import
        from bookstore.tenants import tenant_create
        from catalog.services import catalog_seed

        rows, seeds = [], []
        for size in sorted({*SEED_SIZES, *export_sizes}):
            _empty_tables()
            tenant_create(tenant_id="bench", name="Bench")
            result = None

            def seed(size=size):
                nonlocal result
                result = catalog_seed(tenant_id="bench", target=size, seed=1)

            _, seed_ms = counter.measure(seed)
            assert result.created == size, result
            calls, rerun_ms = counter.measure(seed)
            rerun_writes = sum(n for call, n in calls.items() if call.split()[0] in WRITES)
            seeds.append((size, seed_ms / 1000, rerun_ms / 1000, result.created, rerun_writes))
            record(
                "seeding",
                f"seed_catalog --target {size:,} (empty tenant)",
                {"seconds": round(seed_ms / 1000, 1), "books/s": round(size / (seed_ms / 1000))},
            )
            record(
                "seeding",
                f"seed_catalog --target {size:,} again",
                {"seconds": round(rerun_ms / 1000, 2), "books written": result.created, "write calls": rerun_writes},
            )
            if size not in export_sizes:
                continue
            work = Path(tempfile.mkdtemp(prefix="bench-ops-"))
            try:
                started = time.perf_counter()
                items = sum(tables_export(out_dir=work / "four").counts().values())
                export = time.perf_counter() - started
                single = _timed(lambda: tables_export(out_dir=work / "one", segments=1))  # noqa: B023
                size_mb = sum(f.stat().st_size for f in (work / "four").iterdir()) / 1e6
                _empty_tables()
                restore = _timed(lambda: tables_import(in_dir=work / "four"))  # noqa: B023
                again = _timed(lambda: tables_import(in_dir=work / "four"))  # noqa: B023
            finally:
                shutil.rmtree(work)
            rows.append(
                (
                    f"{size:,}",
                    f"{items:,}",
                    f"{size_mb:.2f} MB",
                    f"{export:.2f} s",
                    f"{single:.2f} s",
                    f"{restore:.2f} s ({items / restore:,.0f}/s)",
                    f"{again:.2f} s",
                )
            )
        print_table(
            ("seed_catalog --target", "seconds", "books/s", "re-run seconds", "re-run: books, write calls"),
            [
                (f"{size:,}", f"{seconds:.1f}", f"{size / seconds:,.0f}", f"{again:.2f}", f"{books}, {writes}")
                for size, seconds, again, books, writes in seeds
            ],
        )
        print()
        print_table(
            (
                "export at books",
                "items",
                "export size",
                "export (4 segments)",
                "export (1 segment)",
                "import",
                "re-import",
            ),
            rows,
        )


if __name__ == "__main__":
    main()
