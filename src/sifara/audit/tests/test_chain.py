"""The hash chain: record() links events, verify() detects every kind of rewrite
done behind the application's back (plain SQL), on SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
import logging
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import RequestFactory, override_settings

from sifara.audit import services
from sifara.audit.models import AuditEvent, AuditHead
from sifara.audit.services import GENESIS, event_hash, record, verify
from sifara.audit.tasks import VERIFY_FAILED, audit_verify_and_report, audit_verify_hourly
from sifara.cli import main as cli_main

pytestmark = pytest.mark.django_db


def sql(statement: str, params: list[Any] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])


def set_details_sql(seq: int, value: str) -> None:
    if connection.vendor == "postgresql":
        sql("UPDATE audit_auditevent SET details = CAST(%s AS jsonb) WHERE seq = %s", [value, seq])
    else:
        sql("UPDATE audit_auditevent SET details = %s WHERE seq = %s", [value, seq])


# --- record() ---------------------------------------------------------------------


def test_record_chains_events(chain: list[AuditEvent]) -> None:
    events = list(AuditEvent.objects.order_by("seq"))
    assert [e.seq for e in events] == [1, 2, 3, 4, 5]
    assert events[0].prev_hash == GENESIS
    for previous, current in itertools.pairwise(events):
        assert current.prev_hash == previous.hash
    for event in events:
        assert event_hash(event) == event.hash  # the stored row hashes to its hash
    head = AuditHead.objects.get(pk=1)
    assert (head.seq, head.hash) == (5, events[-1].hash)
    assert events[0].actor_label == "recorder"


def test_record_target_and_request(admin_user: Any) -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.7")
    event = record(actor=admin_user, action="directory.viewed", target=admin_user, request=request)
    event.refresh_from_db()
    assert event.target_type == "directory.user"
    assert event.target_id == str(admin_user.pk)
    assert event.source_ip == "192.0.2.7"
    assert verify().ok


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("2001:DB8:0:0:0:0:0:1", "2001:db8::1"),
        ("::ffff:192.0.2.1", None),
        ("fe80::1", "fe80::1"),
    ],
)
def test_ipv6_addresses_survive_the_round_trip(raw: str, stored: str | None) -> None:
    # Django (and PostgreSQL's inet) rewrite some IPv6 spellings on save; the
    # hash must not depend on the spelling or verify() would cry wolf.
    request = RequestFactory().get("/", REMOTE_ADDR=raw)
    event = record(actor=None, action="test.ip", request=request)
    event.refresh_from_db()
    if stored is not None:
        assert event.source_ip == stored
    assert verify().ok


@pytest.mark.parametrize("bad", ["unknown", "1.2.3.4, 5.6.7.8", "<script>", "fe80::1%eth0"])
@override_settings(SIFARA_PROXY_HOPS=1)
def test_unusable_client_address_is_dropped(bad: str) -> None:
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR=bad, REMOTE_ADDR="10.0.0.1")
    event = record(actor=None, action="test.ip", request=request)
    event.refresh_from_db()
    # Behind one proxy the rightmost entry is the one the proxy wrote.
    expected = "5.6.7.8" if bad.startswith("1.2.3.4") else None
    assert event.source_ip == expected
    assert verify().ok


def test_details_are_stored_as_hashed(db: Any) -> None:
    event = record(actor=None, action="test.details", details={"b": [1, 2.5, None], "a": "نص"})
    event.refresh_from_db()
    assert event.details == {"a": "نص", "b": [1, 2.5, None]}
    assert verify().ok


# --- verify() -------------------------------------------------------------------


def test_verify_empty_trail(db: Any) -> None:
    result = verify()
    assert result.ok and result.checked == 0


def test_verify_intact_chain(chain: list[AuditEvent]) -> None:
    result = verify()
    assert result.ok
    assert result.checked == 5
    assert result.broken_seq is None


@pytest.mark.parametrize(
    ("column", "value"),
    [("action", "test.innocent"), ("actor_label", "someone-else"), ("target_label", "x")],
)
def test_update_of_a_column_is_detected(chain: list[AuditEvent], column: str, value: str) -> None:
    sql(f"UPDATE audit_auditevent SET {column} = %s WHERE seq = 3", [value])
    result = verify()
    assert not result.ok
    assert result.broken_seq == 3
    assert result.broken_id == chain[2].pk
    assert result.checked == 2
    assert "hash" in result.reason


def test_update_of_details_is_detected(chain: list[AuditEvent]) -> None:
    set_details_sql(2, '{"n": 2, "note": "rewritten"}')
    result = verify()
    assert not result.ok and result.broken_seq == 2


def test_update_of_time_is_detected(chain: list[AuditEvent]) -> None:
    earlier = chain[3].occurred_at - timedelta(days=3)
    sql(
        "UPDATE audit_auditevent SET occurred_at = %s WHERE seq = 4",
        [connection.ops.adapt_datetimefield_value(earlier)],
    )
    result = verify()
    assert not result.ok and result.broken_seq == 4


def test_rewriting_content_and_hash_breaks_the_next_link(chain: list[AuditEvent]) -> None:
    # A careful forger recomputes the row's own hash: the next event's link breaks.
    event = AuditEvent.objects.get(seq=2)
    event.action = "test.forged"
    sql(
        "UPDATE audit_auditevent SET action = %s, hash = %s WHERE seq = 2",
        [event.action, event_hash(event)],
    )
    result = verify()
    assert not result.ok
    assert result.broken_seq == 3
    assert "link" in result.reason


def test_delete_of_a_middle_row_is_detected(chain: list[AuditEvent]) -> None:
    sql("DELETE FROM audit_auditevent WHERE seq = 3")
    result = verify()
    assert not result.ok
    assert result.broken_seq == 4
    assert "#3 is missing" in result.reason
    assert result.checked == 2


def test_delete_of_the_last_row_truncation_is_detected(chain: list[AuditEvent]) -> None:
    sql("DELETE FROM audit_auditevent WHERE seq = 5")
    result = verify()
    assert not result.ok
    assert result.broken_seq == 5
    assert "ends at #4" in result.reason
    assert result.checked == 4


def test_delete_of_the_first_row_is_detected(chain: list[AuditEvent]) -> None:
    sql("DELETE FROM audit_auditevent WHERE seq = 1")
    result = verify()
    assert not result.ok and result.broken_seq == 2 and "#1 is missing" in result.reason


def test_reordering_rows_is_detected(chain: list[AuditEvent]) -> None:
    sql("UPDATE audit_auditevent SET seq = 1000 WHERE seq = 2")
    sql("UPDATE audit_auditevent SET seq = 2 WHERE seq = 3")
    sql("UPDATE audit_auditevent SET seq = 3 WHERE seq = 1000")
    result = verify()
    assert not result.ok
    assert result.broken_seq == 2
    assert result.checked == 1


def test_update_of_the_head_is_detected(chain: list[AuditEvent]) -> None:
    # Truncate and move the head back onto the new last event: without the seal
    # key the forged head cannot be sealed.
    sql("DELETE FROM audit_auditevent WHERE seq = 5")
    sql("UPDATE audit_audithead SET seq = 4, hash = %s WHERE id = 1", [chain[3].hash])
    result = verify()
    assert not result.ok
    assert result.broken_seq == 4
    assert "seal" in result.reason


def test_forged_seal_is_detected(chain: list[AuditEvent]) -> None:
    sql("UPDATE audit_audithead SET seal = %s WHERE id = 1", ["0" * 64])
    result = verify()
    assert not result.ok and "seal" in result.reason


def test_deleted_head_is_detected(chain: list[AuditEvent]) -> None:
    sql("DELETE FROM audit_audithead")
    result = verify()
    assert not result.ok and "missing" in result.reason


def test_new_events_do_not_launder_a_forged_head(chain: list[AuditEvent], caplog: Any) -> None:
    sql("DELETE FROM audit_auditevent WHERE seq = 5")
    sql("UPDATE audit_audithead SET seq = 4, hash = %s WHERE id = 1", [chain[3].hash])
    with caplog.at_level(logging.ERROR, logger="sifara.audit.services"):
        record(actor=None, action="test.after_forgery")
        record(actor=None, action="test.after_forgery")
    assert "seal is invalid" in caplog.text
    result = verify()
    assert not result.ok and "seal" in result.reason


def test_recording_goes_on_after_the_head_was_deleted(chain: list[AuditEvent]) -> None:
    sql("DELETE FROM audit_audithead")
    event = record(actor=None, action="test.after_head_deleted")
    assert event.seq == 6 and event.prev_hash == chain[-1].hash
    result = verify()
    assert not result.ok and "seal" in result.reason


def test_verify_with_another_seal_key_fails(chain: list[AuditEvent]) -> None:
    with override_settings(SIFARA_AUDIT_SEAL_KEY=b"b" * 32):
        assert not verify().ok
    assert verify().ok


def test_verify_in_small_batches(chain: list[AuditEvent]) -> None:
    assert verify(batch_size=2).ok
    sql("DELETE FROM audit_auditevent WHERE seq = 4")
    assert verify(batch_size=2).broken_seq == 5


# --- the command ------------------------------------------------------------------


def test_cli_verify_intact(chain: list[AuditEvent], capsys: Any) -> None:
    assert cli_main(["audit", "verify"]) == 0
    captured = capsys.readouterr()
    assert "5 events verified" in captured.out
    assert captured.err == ""


def test_cli_verify_broken_names_the_event(chain: list[AuditEvent], capsys: Any) -> None:
    sql("UPDATE audit_auditevent SET action = %s WHERE seq = 3", ["test.rewritten"])
    assert cli_main(["audit", "verify"]) == 1
    captured = capsys.readouterr()
    assert "event #3" in captured.err
    assert f"row id {chain[2].pk}" in captured.err
    # Never the content of an event.
    assert "test.rewritten" not in captured.err
    assert "event 3" not in captured.err


def test_cli_verify_truncation(chain: list[AuditEvent], capsys: Any) -> None:
    sql("DELETE FROM audit_auditevent WHERE seq = 5")
    assert cli_main(["audit", "verify"]) == 1
    assert "event #5" in capsys.readouterr().err


# --- the periodic task ------------------------------------------------------------


def test_task_on_intact_chain_records_nothing(chain: list[AuditEvent]) -> None:
    result = audit_verify_and_report()
    assert result.ok
    assert AuditEvent.objects.count() == 5


def test_task_on_broken_chain_logs_and_records_once(chain: list[AuditEvent], caplog: Any) -> None:
    sql("UPDATE audit_auditevent SET action = %s WHERE seq = 2", ["test.secret-rewrite"])
    with caplog.at_level(logging.INFO, logger="sifara.audit.tasks"):
        audit_verify_and_report()
        audit_verify_and_report()  # idempotent: the same breach is recorded once
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 2
    assert "#2" in errors[0].getMessage()
    assert "test.secret-rewrite" not in caplog.text
    assert "event 2" not in caplog.text
    failures = AuditEvent.objects.filter(action=VERIFY_FAILED)
    assert failures.count() == 1
    failure = failures.get()
    assert failure.details["broken_seq"] == 2
    assert failure.actor_label == "system"
    # A different breach is recorded again.
    sql("DELETE FROM audit_auditevent WHERE seq = 1")
    audit_verify_and_report()
    assert AuditEvent.objects.filter(action=VERIFY_FAILED).count() == 2


def test_periodic_task_is_registered_hourly(chain: list[AuditEvent]) -> None:
    from datetime import datetime

    from huey.contrib.djhuey import HUEY

    def due(moment: datetime) -> bool:
        return any(
            isinstance(t, audit_verify_hourly.task_class) for t in HUEY.read_periodic(moment)
        )

    assert all(due(datetime(2025, 1, 1, hour, 7)) for hour in range(24))
    assert not due(datetime(2025, 1, 1, 3, 8))
    audit_verify_hourly.call_local()
    assert not AuditEvent.objects.filter(action=VERIFY_FAILED).exists()


def test_services_module_exposes_verify() -> None:
    assert services.verify is verify
