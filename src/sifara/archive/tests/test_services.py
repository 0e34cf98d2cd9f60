"""Recording agreements: contradictory dates, registration numbers, parties,
computed expiry, relations and party actions, each refused with a clear reason."""

from __future__ import annotations

from datetime import date

import pytest

from sifara.archive import services
from sifara.archive.models import Agreement, AgreementRelation, PartyAction
from sifara.archive.tests.factories import AgreementFactory
from sifara.audit.models import AuditEvent
from sifara.core.errors import ApplicationError, PermissionDeniedError
from sifara.directory.models import Country

pytestmark = pytest.mark.django_db


def _create(editor, **fields):
    values = {
        "kind": "mou",
        "title_en": "Memorandum of understanding on health",
        "title_ar": "مذكرة تفاهم في مجال الصحة",
        "status": "in_force",
        "signed_on": date(2022, 3, 1),
    }
    values.update(fields)
    return services.agreement_create(actor=editor, **values)


def test_recording_an_agreement_is_audited(editor, trade_ministry):
    agreement = _create(
        editor,
        countries=[Country.objects.get(code="EG")],
        ministries=[trade_ministry],
        entry_into_force=date(2022, 4, 1),
        duration_years=5,
        un_registration="i : 33521",
    )
    assert agreement.owner_unit.code == "hq-legal"
    assert agreement.expires_on == date(2027, 4, 1)  # entry into force + duration
    assert agreement.un_registration == "I:33521"
    assert [p.country_id for p in agreement.parties.all()] == ["EG"]
    assert AuditEvent.objects.filter(action="archive.agreement_created").count() == 1


def test_entry_into_force_before_signature_is_refused(editor):
    with pytest.raises(ApplicationError) as caught:
        _create(editor, entry_into_force=date(2022, 2, 1))
    assert "entry_into_force" in caught.value.details
    assert "before the date of signature" in caught.value.details["entry_into_force"][0]
    assert not Agreement.objects.exists()


def test_expiry_before_entry_into_force_is_refused(editor):
    with pytest.raises(ApplicationError) as caught:
        _create(editor, entry_into_force=date(2022, 4, 1), expires_on=date(2022, 3, 15))
    assert "expires_on" in caught.value.details


@pytest.mark.parametrize("number", ["33521", "III:12", "I-", "I:abc"])
def test_malformed_registration_numbers_are_refused(editor, number):
    with pytest.raises(ApplicationError) as caught:
        _create(editor, un_registration=number)
    assert "I:33521 or II:965" in caught.value.details["un_registration"][0]


def test_duplicate_registration_numbers_are_refused(editor):
    first = _create(editor, un_registration="II:965")
    with pytest.raises(ApplicationError) as caught:
        _create(editor, title_en="Another", un_registration="II:965")
    assert "II:965" in caught.value.details["un_registration"][0]
    first.refresh_from_db()
    assert first.un_registration == "II:965"
    assert Agreement.objects.count() == 1


def test_a_bilateral_agreement_has_one_other_party(editor):
    eg, fr = Country.objects.filter(code__in=["EG", "FR"])
    with pytest.raises(ApplicationError):
        _create(editor, countries=[eg, fr])
    assert not Agreement.objects.exists()  # the transaction rolled back
    agreement = _create(editor, countries=[eg, fr], is_multilateral=True)
    assert agreement.parties.count() == 2


def test_only_partner_ministries_are_responsible(editor, other_unit):
    with pytest.raises(ApplicationError):
        _create(editor, ministries=[other_unit])


def test_people_outside_the_treaties_department_cannot_record(staff):
    with pytest.raises(PermissionDeniedError):
        _create(staff)


def test_relations_and_party_actions(editor):
    old = AgreementFactory(title_en="Old convention")
    new = _create(
        editor,
        kind="protocol",
        is_multilateral=True,
        countries=[Country.objects.get(code="JO")],
        organisations=[("United Nations", "الأمم المتحدة")],
    )
    services.relation_add(actor=editor, source=new, target=old, kind="amends")
    with pytest.raises(ApplicationError):
        services.relation_add(actor=editor, source=new, target=old, kind="amends")
    with pytest.raises(ApplicationError):
        services.relation_add(actor=editor, source=new, target=new, kind="extends")
    assert AgreementRelation.objects.count() == 1
    party = new.parties.get(country_id="JO")
    services.party_action_add(actor=editor, party=party, action="ratification", on=date(2022, 6, 1))
    with pytest.raises(ApplicationError):
        services.party_action_add(
            actor=editor, party=party, action="ratification", on=date(2020, 1, 1)
        )
    assert PartyAction.objects.get().action == "ratification"
    assert new.parties.get(country__isnull=True).organisation_ar == "الأمم المتحدة"


def test_a_file_already_attached_is_refused(editor):
    agreement = _create(editor)
    services.file_attach(actor=editor, agreement=agreement, name="a.txt", data=b"Same text here")
    with pytest.raises(ApplicationError) as caught:
        services.file_attach(
            actor=editor, agreement=agreement, name="b.txt", data=b"Same text here"
        )
    assert "already attached" in str(caught.value.message)
    assert agreement.files.count() == 1
