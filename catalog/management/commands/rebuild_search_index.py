"""Rebuild a tenant's search index from DynamoDB with no downtime (also the stream-outage recovery path)."""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from bookstore.errors import ApplicationError
from bookstore.management.tenant_targets import tenant_target_arguments, tenant_targets
from catalog.search.rebuild import search_index_rebuild


class Command(BaseCommand):
    help = (
        "Reindex a tenant's active books from DynamoDB into a new versioned index, swap the alias to it "
        "atomically and drop the old index: no downtime, safe to re-run. Use it when the stream consumer "
        "was down longer than the stream's 24 h retention."
    )

    def add_arguments(self, parser):
        tenant_target_arguments(parser, what="index", active_only=True)

    def handle(self, *args, tenant=None, all=False, **options):
        tenant_ids = tenant_targets(tenant=tenant, all=all)
        for tenant_id in tenant_ids:
            try:
                # disable=None: no bar when the output is not a terminal (CI logs, make run).
                with tqdm(desc=tenant_id, unit="book", disable=None) as bar:
                    result = search_index_rebuild(tenant_id=tenant_id, on_progress=bar.update)
            except ApplicationError as exc:
                raise CommandError(f"{exc.message} ({tenant_id})") from exc
            self.stdout.write(
                self.style.SUCCESS(
                    f"Rebuilt '{tenant_id}': {result.books} books in {result.index}"
                    f" ({result.caught_up} caught up, dropped: {', '.join(result.dropped) or 'none'})."
                )
            )
