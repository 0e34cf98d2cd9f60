"""Who sees what in the archive: classified records and files answer 404 to
people without clearance or need-to-know (administrators included), liaisons
see only their ministry's agreements, downloads and classified reads are
audited, classified files are encrypted at rest."""

from __future__ import annotations

import pytest

from sifara.archive import selectors, services
from sifara.archive.tests.factories import AgreementFactory
from sifara.audit.models import AuditEvent
from sifara.core import policy
from sifara.core.models import Classification

pytestmark = pytest.mark.django_db

CONFIDENTIAL = Classification.CONFIDENTIAL


@pytest.fixture
def open_agreement(legal_unit, trade_ministry):
    agreement = AgreementFactory(owner_unit=legal_unit, title_en="Open trade agreement")
    agreement.ministries.add(trade_ministry)
    return agreement


@pytest.fixture
def health_agreement(legal_unit, health_ministry):
    agreement = AgreementFactory(owner_unit=legal_unit, title_en="Health cooperation")
    agreement.ministries.add(health_ministry)
    return agreement


@pytest.fixture
def secret_agreement(legal_unit, trade_ministry):
    agreement = AgreementFactory(
        owner_unit=legal_unit, classification=CONFIDENTIAL, title_en="Confidential trade protocol"
    )
    agreement.ministries.add(trade_ministry)
    return agreement


def _status(client, url):
    return client.get(url).status_code


def test_classified_agreement_needs_clearance_and_need_to_know(
    verified_client, editor, staff, admin, liaison, secret_agreement
):
    url = f"/archive/agreements/{secret_agreement.pk}/"
    # Owning unit (treaties department): yes; its read is audited.
    assert _status(verified_client(editor), url) == 200
    assert AuditEvent.objects.filter(
        action="archive.agreement_viewed", target_id=str(secret_agreement.pk)
    ).exists()
    # Cleared staff of another unit, and an administrator: no need-to-know -> 404.
    assert _status(verified_client(staff), url) == 404
    assert _status(verified_client(admin), url) == 404
    # The responsible ministry's liaison, cleared CONFIDENTIAL: yes.
    assert _status(verified_client(liaison), url) == 200


def test_clearance_below_the_classification_gets_404(
    verified_client, make_user, trade_ministry, secret_agreement
):
    low = make_user(roles=[("liaison", trade_ministry)], username="low", clearance=1)
    assert _status(verified_client(low), f"/archive/agreements/{secret_agreement.pk}/") == 404


def test_an_explicit_grant_gives_need_to_know(editor, staff, secret_agreement, verified_client):
    secret_agreement.granted_users.add(staff)
    assert _status(verified_client(staff), f"/archive/agreements/{secret_agreement.pk}/") == 200


def test_liaisons_see_only_their_ministrys_agreements(
    verified_client, liaison, open_agreement, health_agreement
):
    client = verified_client(liaison)
    assert _status(client, f"/archive/agreements/{open_agreement.pk}/") == 200
    assert _status(client, f"/archive/agreements/{health_agreement.pk}/") == 404
    visible = set(selectors.agreements_for_user(user=liaison).values_list("pk", flat=True))
    assert visible == {open_agreement.pk}


def test_the_query_mirrors_the_policy_rule(
    editor, staff, admin, liaison, make_user, open_agreement, health_agreement, secret_agreement
):
    nobody = make_user(username="norole", clearance=3)
    agreements = [open_agreement, health_agreement, secret_agreement]
    for user in (editor, staff, admin, liaison, nobody):
        policy.forget(user)
        by_query = set(selectors.agreements_for_user(user=user).values_list("pk", flat=True))
        by_rule = {
            a.pk
            for a in agreements
            if policy.may_see_agreement(
                user,
                classification=a.classification,
                owner_unit_id=a.owner_unit_id,
                ministry_unit_ids=a.ministries.values_list("pk", flat=True),
                granted_user_ids=a.granted_users.values_list("pk", flat=True),
            )
        }
        assert by_query == by_rule, user.username


def test_classified_files_are_encrypted_and_downloads_audited(
    verified_client, editor, staff, secret_agreement
):
    original = "النص الموقع للبروتوكول السري".encode()
    archive_file = services.file_attach(
        actor=editor,
        agreement=secret_agreement,
        name="protocol_ar.txt",
        data=original,
        extract_later=False,
    )
    assert archive_file.classification == CONFIDENTIAL  # never below the agreement
    assert archive_file.data_key_id is not None
    with archive_file.blob.open("rb") as handle:
        stored = handle.read()
    assert original not in stored and b"protocol" not in stored
    archive_file.refresh_from_db()
    assert archive_file.text == ""  # the extracted text is encrypted too
    assert services.file_text(archive_file=archive_file) == original.decode()

    url = f"/archive/files/{archive_file.pk}/download/"
    response = verified_client(editor).get(url)
    assert response.status_code == 200 and response.content == original
    assert response["Content-Disposition"].startswith("attachment")
    event = AuditEvent.objects.filter(action="archive.file_downloaded").get()
    assert event.details["file"] == archive_file.pk
    assert "النص" not in event.target_label  # no classified content in the trail

    assert _status(verified_client(staff), url) == 404
    assert _status(verified_client(staff), f"/archive/files/{archive_file.pk}/") == 404
    text_page = verified_client(editor).get(f"/archive/files/{archive_file.pk}/")
    assert "النص الموقع للبروتوكول السري" in text_page.content.decode()
    assert AuditEvent.objects.filter(action="archive.file_text_viewed").count() == 1
    assert AuditEvent.objects.filter(action="archive.file_downloaded").count() == 1


def test_a_classified_file_of_an_open_agreement_is_hidden(
    verified_client, editor, staff, open_agreement
):
    services.file_attach(
        actor=editor,
        agreement=open_agreement,
        name="open.txt",
        data=b"Open text of the agreement",
        extract_later=False,
    )
    hidden = services.file_attach(
        actor=editor,
        agreement=open_agreement,
        name="annex-secret.txt",
        data=b"Confidential annex",
        classification=CONFIDENTIAL,
        extract_later=False,
    )
    page = verified_client(staff).get(f"/archive/agreements/{open_agreement.pk}/")
    assert page.status_code == 200
    assert "open.txt" in page.content.decode() and "annex-secret.txt" not in page.content.decode()
    assert _status(verified_client(staff), f"/archive/files/{hidden.pk}/download/") == 404
    assert _status(verified_client(editor), f"/archive/files/{hidden.pk}/download/") == 200


def test_only_the_treaties_department_records_agreements(verified_client, staff, admin, editor):
    for user in (staff, admin):
        assert _status(verified_client(user), "/archive/agreements/new/") == 403
    assert _status(verified_client(editor), "/archive/agreements/new/") == 200


def test_raising_the_classification_encrypts_existing_files(editor, open_agreement):
    archive_file = services.file_attach(
        actor=editor,
        agreement=open_agreement,
        name="text.txt",
        data=b"Plain text stored clear",
        extract_later=False,
    )
    assert archive_file.data_key_id is None
    services.agreement_update(actor=editor, agreement=open_agreement, classification=CONFIDENTIAL)
    archive_file.refresh_from_db()
    assert archive_file.classification == CONFIDENTIAL and archive_file.data_key_id is not None
    with archive_file.blob.open("rb") as handle:
        assert b"Plain text" not in handle.read()
    assert services.file_content(archive_file=archive_file) == b"Plain text stored clear"
    assert services.file_text(archive_file=archive_file) == "Plain text stored clear"
