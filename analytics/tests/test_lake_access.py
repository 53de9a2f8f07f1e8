"""analytics/lake_access.py: the lake's files, read and written the same way locally and on S3."""

import os
import subprocess
import sys
import textwrap

from django.conf import settings


def test_reading_a_lake_file_starts_no_arrow_thread(tmp_path):
    """A pool thread alive when a command exits aborts it (exit 134): reading a file starts none.

    In a fresh process, where no Arrow pool has started yet; /proc/self/task counts native threads.
    """
    code = textwrap.dedent(
        """
        import os
        import django
        django.setup()
        import pyarrow as pa
        from analytics.lake_access import read_parquet, write_parquet
        write_parquet("t/x.parquet", pa.table({"a": list(range(1000)), "b": [str(n) for n in range(1000)]}))
        before = len(os.listdir("/proc/self/task"))
        assert read_parquet("t/x.parquet").num_rows == 1000
        print(len(os.listdir("/proc/self/task")) - before)
        """
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bookstore.settings.local", "LOCAL_STATE_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "0"
