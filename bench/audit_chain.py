"""Benchmark: audit trail append rate and `verify` speed.

Usage: python bench/audit_chain.py [--events N] [--quick]
Always runs against a fresh embedded (SQLite, WAL) database in a new
temporary data directory, never an existing one. The last line is JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=20000)
    parser.add_argument("--quick", action="store_true", help="2,000 events")
    args = parser.parse_args()
    events = 2000 if args.quick else args.events

    data_dir = tempfile.mkdtemp(prefix="sifara-bench-")
    os.environ["SIFARA_DATA_DIR"] = data_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "sifara.settings.embedded"
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from sifara.audit.models import AuditEvent
    from sifara.audit.services import record, verify

    start = time.perf_counter()
    for index in range(events):
        record(
            actor=None,
            actor_label="bench",
            action="bench.event",
            details={"index": index, "note": "ملاحظة تجريبية"},
        )
    append_s = time.perf_counter() - start

    start = time.perf_counter()
    result = verify()
    verify_s = time.perf_counter() - start
    assert result.ok and result.checked == events == AuditEvent.objects.count()

    figures = {
        "benchmark": "audit_chain",
        "database": connection.vendor,
        "events": events,
        "append_per_s": round(events / append_s, 1),
        "append_ms_each": round(append_s * 1000 / events, 3),
        "verify_per_s": round(events / verify_s, 1),
        "verify_s": round(verify_s, 3),
    }
    print(
        f"appended {events} events in {append_s:.2f}s ({figures['append_per_s']}/s, "
        f"each in its own transaction with the sealed head updated)"
    )
    print(f"verified {events} events in {verify_s:.2f}s ({figures['verify_per_s']}/s)")
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
