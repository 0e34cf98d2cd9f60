"""Benchmark: cable release fan-out, inbox page time, encryption overhead.

Usage: python bench/cables.py [--quick] [--inbox-cables N]

* release: one FLASH cable to 150 missions with 6 users each; time until it is
  in every inbox (the release service commits the deliveries), p95 over 20
  releases. Target: under 0.5 s on SQLite.
* inbox: the inbox page of a mission holding 100,000 cables (10,000 with
  --quick), server time through the whole Django stack, with filters; p95.
  Target: under 50 ms.
* encryption: release and read throughput of UNCLASSIFIED (plain) and
  CONFIDENTIAL (encrypted) cables, side by side in the same run.

Always runs against a fresh embedded (SQLite, WAL) database in a new temporary
data directory (or PostgreSQL when --postgres URL is given). The last line is JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small version (under a minute)")
    parser.add_argument("--inbox-cables", type=int, default=None)
    parser.add_argument("--postgres", default="", help="DATABASE_URL of an empty PostgreSQL db")
    args = parser.parse_args()
    quick = args.quick
    inbox_cables = args.inbox_cables or (10_000 if quick else 100_000)
    missions_n, users_per_mission = 150, 6
    releases = 20
    throughput_n = 30 if quick else 100

    data_dir = tempfile.mkdtemp(prefix="sifara-bench-cables-")
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
    from sifara.cables import content, services
    from sifara.cables.models import (
        AddresseeKind,
        Cable,
        CableStatus,
        Delivery,
        Precedence,
        ReleaseAuthority,
    )
    from sifara.cables.tags import tags_index
    from sifara.core import crypto
    from sifara.directory.models import Country, Membership, Unit, User
    from sifara.identity.middleware import SESSION_LOGIN_AT

    if not Country.objects.filter(code="FR").exists():
        Country.objects.create(
            code="FR", alpha3="FRA", numeric="250", name_en="France", name_ar="فرنسا"
        )

    started = time.perf_counter()
    hq = Unit.objects.create(
        code="hq-bench", kind="hq_department", name_en="HQ desk", name_ar="مكتب"
    )
    missions = Unit.objects.bulk_create(
        [
            Unit(
                code=f"emb-{i:03d}",
                kind="embassy",
                name_en=f"Embassy {i}",
                name_ar=f"سفارة {i}",
                host_country_id="FR",
                city_en="City",
                city_ar="مدينة",
                timezone="Europe/Paris",
            )
            for i in range(missions_n)
        ]
    )
    missions = list(Unit.objects.filter(kind="embassy").order_by("code"))
    users = User.objects.bulk_create(
        [
            User(username=f"u{m}-{j}", clearance=2, full_name_en=f"User {m}-{j}")
            for m in range(missions_n)
            for j in range(users_per_mission)
        ]
    )
    users = list(User.objects.filter(username__startswith="u").order_by("pk"))
    Membership.objects.bulk_create(
        [
            Membership(
                user=users[m * users_per_mission + j],
                unit=missions[m],
                role="head_of_mission" if j == 0 else "diplomat",
                is_primary=True,
            )
            for m in range(missions_n)
            for j in range(users_per_mission)
        ]
    )
    desk = User.objects.create(username="desk", clearance=3)
    head = User.objects.create(username="head", clearance=3)
    for person in (desk, head):
        Membership.objects.create(user=person, unit=hq, role="diplomat", is_primary=True)
    ReleaseAuthority.objects.create(user=head, unit=hq, max_classification=3)
    setup_s = time.perf_counter() - started
    print(f"setup {setup_s:.1f} s", file=sys.stderr)

    def draft(action: list[Unit], *, level: int, precedence: int, subject: str) -> Cable:
        return services.cable_draft_create(
            actor=desk,
            drafting_unit=hq,
            fields=services.DraftFields(
                subject=subject,
                paragraphs=[
                    {"mark": level, "text": "Paragraph one of the instruction. " * 8},
                    {"mark": 0, "text": "Paragraph two, unclassified. " * 6},
                ],
                classification=level,
                precedence=precedence,
                tags=["PREL", "FR"],
                captions=[],
                action_units=action,
                info_units=[],
                references=[],
            ),
        )

    # --- 1. FLASH release to 150 missions -------------------------------------
    release_times: list[float] = []
    release_cpu: list[float] = []
    for n in range(releases):
        cable = draft(missions, level=2, precedence=Precedence.FLASH, subject=f"FLASH {n}")
        t0, c0 = time.perf_counter(), time.process_time()
        services.cable_release(actor=head, cable_id=cable.pk)
        release_times.append(time.perf_counter() - t0)
        release_cpu.append(time.process_time() - c0)
        delivered = Delivery.objects.filter(cable=cable, delivered_at__isnull=False).count()
        assert delivered == missions_n, delivered
    release_p95 = pct(release_times, 0.95)
    print(f"releases done {time.perf_counter() - started:.1f} s", file=sys.stderr)

    # --- 2. Encryption overhead: release and read, plain vs encrypted ---------------
    few = missions[:3]
    throughput: dict[str, float] = {}
    opened_ids: dict[str, list[int]] = {"plain": [], "encrypted": []}
    # Interleaved in two rounds (plain, encrypted, encrypted, plain) so warm-up
    # and background load weigh on both sides alike.
    spent: dict[str, float] = {"plain": 0.0, "encrypted": 0.0}
    half = max(1, throughput_n // 2)
    for label in ("plain", "encrypted", "encrypted", "plain"):
        level = 0 if label == "plain" else 2
        drafts = [
            draft(few, level=level, precedence=Precedence.ROUTINE, subject=f"{label} {i}")
            for i in range(half)
        ]
        t0 = time.perf_counter()
        for d in drafts:
            services.cable_release(actor=head, cable_id=d.pk)
        spent[label] += time.perf_counter() - t0
        opened_ids[label] += [d.pk for d in drafts]
    for label in ("plain", "encrypted"):
        throughput[f"{label}_release_per_s"] = 2 * half / spent[label]
    reads = 5
    read_spent: dict[str, float] = {"plain": 0.0, "encrypted": 0.0}
    read_count: dict[str, int] = {"plain": 0, "encrypted": 0}
    for _ in range(reads):
        for label in ("plain", "encrypted") if _ % 2 == 0 else ("encrypted", "plain"):
            t0 = time.perf_counter()
            for cable in Cable.objects.filter(pk__in=opened_ids[label]).select_related(
                "drafting_unit", "drafter", "released_by", "data_key", "signing_key__data_key"
            ):
                opened = content.open_cable(cable)
                assert opened.integrity == content.INTACT, opened.integrity
                read_count[label] += 1
            read_spent[label] += time.perf_counter() - t0
    for label in ("plain", "encrypted"):
        throughput[f"{label}_read_per_s"] = read_count[label] / read_spent[label]
    print(f"throughput done {time.perf_counter() - started:.1f} s", file=sys.stderr)
    # --- 3. Inbox of a mission holding many cables -----------------------------------
    target = missions[1]
    reader = users[1 * users_per_mission + 1]  # a diplomat (CONFIDENTIAL) in that mission
    rng = random.Random(7)
    t_fill = time.perf_counter()
    key = crypto.new_data_key(purpose="bench")  # one key shared by the filler rows
    now = timezone.now()
    batch = 5000
    made = 0
    while made < inbox_cables:
        size = min(batch, inbox_cables - made)
        rows = []
        for i in range(size):
            level = rng.choice((0, 0, 1, 2))
            precedence = rng.choice((0, 0, 0, 1, 1, 2, 3))
            tags = [
                "PREL",
                rng.choice(["ECON", "CONS", "SENV", "ETRD"]),
                rng.choice(["FR", "EG", "JP"]),
            ]
            rows.append(
                Cable(
                    drafting_unit=hq,
                    drafter=desk,
                    status=CableStatus.RELEASED,
                    reference=f"HQ-2025-{made + i:07d}",
                    classification=level,
                    precedence=precedence,
                    tags=tags,
                    tags_index=tags_index(tags),
                    subject_text="" if level else f"Subject {made + i}",
                    body_text="[]",
                    data_key=key if level else None,
                    released_at=now - __import__("datetime").timedelta(minutes=made + i),
                    released_by=head,
                    signature=b"x" * 64,
                )
            )
        created = Cable.objects.bulk_create(rows)
        if not all(c.pk for c in created):
            created = list(Cable.objects.order_by("-pk")[:size])[::-1]
        for cable in created:
            if cable.classification:
                cable.subject_sealed = crypto.encrypt_text(
                    f"Subject {cable.reference}",
                    key=key,
                    context=content.context(cable.pk, "subject"),
                )
        Cable.objects.bulk_update([c for c in created if c.classification], ["subject_sealed"])
        Delivery.objects.bulk_create(
            [
                Delivery(
                    cable=c,
                    unit=target,
                    kind=AddresseeKind.ACTION,
                    delivered_at=c.released_at,
                    sender_unit=hq,
                    classification=c.classification,
                    precedence=c.precedence,
                    tags_index=c.tags_index,
                    requires_ack=c.precedence >= 2,
                    due_at=c.released_at,
                    acknowledged_at=c.released_at if rng.random() < 0.8 else None,
                )
                for c in created
            ]
        )
        made += size
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    fill_s = time.perf_counter() - t_fill
    print(f"inbox filled {time.perf_counter() - started:.1f} s", file=sys.stderr)

    from django.test.utils import override_settings

    # Pages reference static files by name; the bench has no collected manifest.
    override_settings(
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ).enable()
    client = Client(HTTP_HOST="localhost")
    device = TOTPDevice.objects.create(user=reader, name="bench", confirmed=True)
    client.force_login(reader)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[SESSION_LOGIN_AT] = timezone.now().timestamp()
    session.save()
    queries = [
        "",
        "?precedence=3",
        "?tag=ECON",
        "?country=EG",
        "?ack=pending",
        "?ack=overdue",
        "?classification=2",
        "?precedence=1&tag=SENV",
        f"?sender={hq.pk}",
        "?kind=action&ack=acknowledged",
        "?page=40",
        "?date_from=2020-01-01&precedence=0",
    ]
    base = f"/cables/?unit={target.pk}"
    for q in queries:  # warm up
        response = client.get(base + q.replace("?", "&"))
        assert response.status_code == 200, response.status_code
    inbox_times: list[float] = []
    inbox_cpu: list[float] = []  # CPU time of this process: shows what a busy machine adds
    for _round in range(5 if quick else 10):
        for q in queries:
            t0, c0 = time.perf_counter(), time.process_time()
            response = client.get(base + q.replace("?", "&"), HTTP_HX_REQUEST="true")
            inbox_times.append((time.perf_counter() - t0) * 1000)
            inbox_cpu.append((time.process_time() - c0) * 1000)
            assert response.status_code == 200
    inbox_p95 = pct(inbox_times, 0.95)

    figures = {
        "benchmark": "cables",
        "database": connection.vendor,
        "quick": quick,
        "missions": missions_n,
        "users": missions_n * users_per_mission,
        "releases": releases,
        "release_p50_s": round(statistics.median(release_times), 4),
        "release_p95_s": round(release_p95, 4),
        "release_target_s": 0.5,
        "release_cpu_p95_s": round(pct(release_cpu, 0.95), 4),
        "inbox_cables": inbox_cables,
        "inbox_requests": len(inbox_times),
        "inbox_p50_ms": round(statistics.median(inbox_times), 2),
        "inbox_p95_ms": round(inbox_p95, 2),
        "inbox_target_ms": 50,
        "inbox_cpu_p95_ms": round(pct(inbox_cpu, 0.95), 2),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "plain_release_per_s": round(throughput["plain_release_per_s"], 1),
        "encrypted_release_per_s": round(throughput["encrypted_release_per_s"], 1),
        "plain_read_per_s": round(throughput["plain_read_per_s"], 1),
        "encrypted_read_per_s": round(throughput["encrypted_read_per_s"], 1),
        "setup_s": round(setup_s, 1),
        "fill_s": round(fill_s, 1),
    }
    print(
        f"release to {missions_n} missions: p50 {figures['release_p50_s']} s, "
        f"p95 {figures['release_p95_s']} s (target 0.5 s)"
    )
    print(
        f"inbox with {inbox_cables} cables: p50 {figures['inbox_p50_ms']} ms, "
        f"p95 {figures['inbox_p95_ms']} ms (target 50 ms)"
    )
    print(
        f"release/s plain {figures['plain_release_per_s']} vs encrypted "
        f"{figures['encrypted_release_per_s']}; read/s plain {figures['plain_read_per_s']} "
        f"vs encrypted {figures['encrypted_read_per_s']}"
    )
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
