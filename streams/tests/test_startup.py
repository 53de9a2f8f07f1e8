"""Django start-up stays light: registering the stream handlers imports neither pyarrow nor moto."""

import subprocess
import sys

from django.conf import settings


def test_setup_registers_the_handlers_without_heavy_imports():
    code = (
        "import django, sys; django.setup(); "
        "from streams.registry import handlers_for; "
        "print(sorted(r.name for t in ('books', 'purchases', 'reviews') for r in handlers_for(t))); "
        "print(sorted(m for m in ('pyarrow', 'moto', 'duckdb', 'elasticsearch') if m in sys.modules))"
    )
    env = {"DJANGO_SETTINGS_MODULE": "bookstore.settings.local", "PATH": "", "PYTHONPATH": str(settings.BASE_DIR)}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    handlers, heavy = result.stdout.strip().splitlines()
    assert handlers == str(
        [
            "analytics.stream_handlers.export_purchases",
            "analytics.stream_handlers.export_review_events",
            "catalog.stream_handlers.apply_in_stock",
            "catalog.stream_handlers.index_books",
            "emails.stream_handlers.record_order_emails",
            "orders.stream_handlers.count_sales",
            "reviews.stream_handlers.count_reviews",
            "reviews.stream_handlers.count_verified_buyers",
            "webhooks.stream_handlers.deliver_order_events",
            "webhooks.stream_handlers.deliver_stock_events",
        ]
    )
    assert heavy == "[]"
