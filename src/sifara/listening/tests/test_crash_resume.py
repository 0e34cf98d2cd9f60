"""Killing the importer (SIGKILL) at any moment loses no accepted post and stores
none twice: each batch and the resume position commit in one transaction.

Runs the real ``sifara listen import`` in a subprocess on its own SQLite
database, kills it mid-way, checks that what is stored is exactly the lines
before the stored position, restarts it and checks the final counts."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

SIFARA = str(Path(sys.executable).with_name("sifara"))
TOTAL = 6_000


def _env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SIFARA_REDIS_URL"}}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "sifara.settings.embedded",
            "SIFARA_DATA_DIR": str(data_dir),
            "SIFARA_LISTENING_BATCH_SIZE": "100",
            "SIFARA_LISTENING_SCREEN_AUTHORS": "false",
        }
    )
    return env


def _count(db: Path) -> tuple[int, str, int]:
    with sqlite3.connect(db, timeout=30) as conn:
        posts = conn.execute("SELECT COUNT(*) FROM listening_post").fetchone()[0]
        row = conn.execute(
            "SELECT cursor, items_total FROM listening_source WHERE name = 'crash'"
        ).fetchone()
    return posts, (row[0] if row else ""), (row[1] if row else 0)


@pytest.mark.skipif(not Path(SIFARA).exists(), reason="the sifara console script is not installed")
def test_sigkill_mid_import_then_restart_loses_nothing_and_duplicates_nothing(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    env = _env(data)
    # Only what the import touches (listening and its dependencies, the audit trail).
    migrate = (
        "import django; django.setup(); from django.core.management import call_command; "
        "call_command('migrate', 'listening', verbosity=0); "
        "call_command('migrate', 'audit', verbosity=0)"
    )
    subprocess.run([sys.executable, "-c", migrate], env=env, check=True, capture_output=True)
    corpus = tmp_path / "posts.jsonl"
    offsets = []
    with corpus.open("wb") as handle:
        for i in range(TOTAL):
            text = (
                f"منشور رقم {i} عن وزارة الخارجية والتأشيرات" if i % 2 else f"Post {i} about visas"
            )
            if i % 997 == 0:
                handle.write(b"{not json\n")
            handle.write(
                (
                    json.dumps(
                        {"id": f"k{i}", "text": text, "published_at": "2026-11-20T08:00:00Z"},
                        ensure_ascii=False,
                    )
                    + "\n"
                ).encode()
            )
            offsets.append(handle.tell())
    command = [SIFARA, "listen", "import", str(corpus), "--source", "crash", "--create"]
    db = data / "sifara.sqlite3"

    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    posts = 0
    while time.monotonic() < deadline and process.poll() is None:
        try:
            posts, _cursor, _total = _count(db)
        except sqlite3.OperationalError:
            posts = 0
        if posts >= 300:
            break
        time.sleep(0.02)
    assert process.poll() is None, "the import finished before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait()

    posts, cursor, items_total = _count(db)
    assert 0 < posts < TOTAL
    assert items_total == posts  # the counter commits with the batch
    stored_until = int(cursor.rsplit("@", 1)[1])
    expected_before_cursor = sum(1 for offset in offsets if offset <= stored_until)
    assert posts == expected_before_cursor  # exactly the lines before the position

    finished = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    assert "accepted" in finished.stdout
    posts, cursor, items_total = _count(db)
    assert posts == TOTAL
    assert items_total == TOTAL
    with sqlite3.connect(db) as conn:
        distinct = conn.execute("SELECT COUNT(DISTINCT external_id) FROM listening_post").fetchone()
        skipped = conn.execute("SELECT items_skipped FROM listening_source").fetchone()
    assert distinct[0] == TOTAL
    assert skipped[0] == len(range(0, TOTAL, 997))  # each bad line counted once

    again = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    assert _count(db)[0] == TOTAL  # a third run re-reads nothing new
    assert "0 accepted" in again.stdout
