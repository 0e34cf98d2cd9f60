"""Benchmark: an operations room under load — posting, the room page, polling, export.

Usage: python bench/rooms.py [--quick] [--entries N] [--postgres DATABASE_URL]

Builds a room in a fresh embedded database (SQLite WAL in a temporary data
directory, migrated from scratch; or an empty PostgreSQL database), with 12
members. Half of its entries are classified (so encrypted with the room's
data key). It then measures, through the real services and the real URL stack
(Django test client, two-factor-verified sessions):

* posting entries through ``services.entry_post`` (entries per second,
  unclassified and classified),
* the room page for a SECRET-cleared member (p50/p95 in ms; it shows the
  latest 200 entries),
* the HTMX poll with nothing new, and with one new entry (p50/p95 in ms), which
  every open page makes every ``SIFARA_ROOMS_POLL_SECONDS``,
* the situation log as HTML and, up to 600 entries, as PDF (seconds).

The last line printed is JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small version (under a minute)")
    parser.add_argument("--entries", type=int, default=None)
    parser.add_argument("--postgres", default="", help="DATABASE_URL of an empty PostgreSQL db")
    args = parser.parse_args()
    entries_n = args.entries or (600 if args.quick else 5000)
    requests_n = 20 if args.quick else 60

    data_dir = tempfile.mkdtemp(prefix="sifara-bench-rooms-")
    os.environ["SIFARA_DATA_DIR"] = data_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "sifara.settings.embedded"
    os.environ.setdefault("SIFARA_LOG_LEVEL", "WARNING")
    if args.postgres:
        os.environ["DATABASE_URL"] = args.postgres
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ.pop("SIFARA_REDIS_URL", None)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    call_command("migrate", verbosity=0)
    from sifara.directory.models import Membership, Unit, User
    from sifara.identity.middleware import SESSION_LOGIN_AT
    from sifara.rooms import export, selectors, services

    try:
        hq = Unit.objects.create(
            code="hq-consular", kind="hq_department", name_en="Consular", name_ar="القنصلية"
        )
        lead = User.objects.create(username="lead", clearance=3, full_name_en="Lead")
        Membership.objects.create(user=lead, unit=hq, role="head_of_mission", is_primary=True)
        room = services.room_open(
            actor=lead, title="Bench evacuation", kind="evacuation", ceiling=3, lead_unit=hq
        )
        members = []
        for index in range(11):
            person = User.objects.create(username=f"m{index}", clearance=index % 4)
            Membership.objects.create(user=person, unit=hq, role="diplomat", is_primary=True)
            services.room_member_add(actor=lead, room=room, person=person)
            members.append(person)

        text = "Convoy update: buses reached the assembly point; next departure at 14:00. " * 3
        timings: dict[str, float] = {}
        for level, label in ((0, "unclassified"), (2, "classified")):
            count = entries_n // 2
            started = time.perf_counter()
            for index in range(count):
                services.entry_post(
                    actor=members[index % len(members)]
                    if members[index % len(members)].clearance >= level
                    else lead,
                    room=room,
                    kind="message",
                    text=text,
                    classification=level,
                )
            timings[f"post_{label}_per_s"] = count / (time.perf_counter() - started)

        from django.test.utils import override_settings

        # Pages reference static files by name; the bench has no collected manifest.
        override_settings(
            STORAGES={
                "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
            }
        ).enable()
        client = Client(HTTP_HOST="localhost")
        device = TOTPDevice.objects.create(user=lead, name="bench", confirmed=True)
        client.force_login(lead)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session[SESSION_LOGIN_AT] = timezone.now().timestamp()
        session.save()

        page_ms = []
        for _ in range(requests_n):
            started = time.perf_counter()
            response = client.get(f"/rooms/{room.pk}/")
            page_ms.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        cursor = selectors.entry_latest_id(room=room)
        empty_ms, fresh_ms = [], []
        for _ in range(requests_n):
            started = time.perf_counter()
            response = client.get(
                f"/rooms/{room.pk}/timeline/?after={cursor}", HTTP_HX_REQUEST="true"
            )
            empty_ms.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
            services.entry_post(actor=lead, room=room, kind="status", text="tick", classification=1)
            started = time.perf_counter()
            response = client.get(
                f"/rooms/{room.pk}/timeline/?after={cursor}", HTTP_HX_REQUEST="true"
            )
            fresh_ms.append((time.perf_counter() - started) * 1000)
            cursor = selectors.entry_latest_id(room=room)

        started = time.perf_counter()
        html = export.situation_log_export(actor=lead, room=room, fmt="html")
        html_s = time.perf_counter() - started
        # PDF over the whole log only up to 600 entries (about 40 pages; WeasyPrint
        # lays out every page, so it grows with the log, not with the request).
        started = time.perf_counter()
        pdf = b""
        if entries_n <= 600:
            pdf = export.situation_log_export(actor=lead, room=room, fmt="pdf")
        pdf_s = time.perf_counter() - started if pdf else None

        result: dict[str, Any] = {
            "benchmark": "rooms",
            "database": connection.vendor,
            "entries": entries_n,
            "members": len(members) + 1,
            "post_unclassified_per_s": round(timings["post_unclassified_per_s"], 1),
            "post_classified_per_s": round(timings["post_classified_per_s"], 1),
            "room_page_p50_ms": round(statistics.median(page_ms), 1),
            "room_page_p95_ms": round(pct(page_ms, 0.95), 1),
            "poll_empty_p50_ms": round(statistics.median(empty_ms), 1),
            "poll_empty_p95_ms": round(pct(empty_ms, 0.95), 1),
            "poll_one_new_p50_ms": round(statistics.median(fresh_ms), 1),
            "poll_one_new_p95_ms": round(pct(fresh_ms, 0.95), 1),
            "export_html_s": round(html_s, 2),
            "export_html_kib": round(len(html) / 1024),
            "export_pdf_s": round(pdf_s, 2) if pdf_s is not None else None,
            "export_pdf_kib": round(len(pdf) / 1024) if pdf else None,
        }
        for key, value in result.items():
            print(f"{key:>26}: {value}")
        print(json.dumps(result))
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
