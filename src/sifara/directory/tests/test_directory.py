"""Directory services, selectors, pages and API, with the denials."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from sifara.audit.models import AuditEvent
from sifara.core.errors import ApplicationError, PermissionDeniedError
from sifara.directory import selectors, services
from sifara.directory.demo import MISSIONS, load_demo
from sifara.directory.models import Country, Membership, Unit, User

pytestmark = pytest.mark.django_db


def test_countries_come_from_iso_3166_with_arabic_names():
    assert Country.objects.count() >= 249
    japan = Country.objects.get(code="JP")
    assert japan.name_en == "Japan" and japan.name_ar == "اليابان"
    assert Country.objects.get(code="TR").name_ar == "تركيا"
    assert not Country.objects.filter(name_ar="").exists()


def test_demo_is_idempotent_and_has_missions_in_real_zones():
    load_demo(out=io.StringIO())
    counts = (Unit.objects.count(), User.objects.count(), Membership.objects.count())
    out = io.StringIO()
    load_demo(out=out)
    assert (Unit.objects.count(), User.objects.count(), Membership.objects.count()) == counts
    missions = Unit.objects.filter(
        kind__in=[
            "embassy",
            "consulate_general",
            "consulate",
            "permanent_mission",
            "honorary_consulate",
        ]
    )
    assert missions.count() >= 25
    assert missions.get(code="emb-tokyo").timezone == "Asia/Tokyo"
    assert missions.get(code="emb-buenos-aires").timezone == "America/Argentina/Buenos_Aires"
    text = out.getvalue()
    assert "hom.tokyo" in text and "recovery codes" in text
    # every role of the product has a demo account
    assert set(Membership.objects.values_list("role", flat=True)) >= {
        "administrator",
        "head_of_mission",
        "diplomat",
        "digital_officer",
        "consular_officer",
        "analyst",
        "liaison",
        "read_only",
    }
    assert len(MISSIONS) >= 25


def test_mission_without_country_is_refused_by_database_and_service(admin_user):
    with pytest.raises(ApplicationError):
        services.unit_create(
            actor=admin_user, code="emb-x", kind="embassy", name_en="X", name_ar="س"
        )
    assert not Unit.objects.filter(code="emb-x").exists()


def test_invalid_timezone_is_refused(admin_user):
    with pytest.raises(ApplicationError) as caught:
        services.unit_create(
            actor=admin_user,
            code="emb-x",
            kind="embassy",
            name_en="X",
            name_ar="س",
            host_country=Country.objects.get(code="FR"),
            city_en="Lyon",
            timezone="Mars/Olympus",
        )
    assert "timezone" in caught.value.details
    assert not Unit.objects.filter(code="emb-x").exists()


def test_hierarchy_loop_is_refused(admin_user, hq_unit):
    child = services.unit_create(
        actor=admin_user,
        code="child",
        kind="hq_department",
        name_en="Child",
        name_ar="فرع",
        parent=hq_unit,
    )
    with pytest.raises(ApplicationError):
        services.unit_update(actor=admin_user, unit=hq_unit, parent=child)


def test_non_administrator_cannot_create_units(make_user, mission):
    diplomat = make_user(roles=[("diplomat", mission)])
    with pytest.raises(PermissionDeniedError):
        services.unit_create(
            actor=diplomat, code="hq-new", kind="hq_department", name_en="N", name_ar="ن"
        )


def test_role_and_clearance_changes_are_audited(admin_user, make_user, mission):
    person = make_user(username="omar")
    services.membership_grant(actor=admin_user, person=person, unit=mission, role="diplomat")
    services.person_set_access(actor=admin_user, person=person, clearance=2)
    actions = list(
        AuditEvent.objects.filter(target_id=str(person.pk)).values_list("action", flat=True)
    )
    assert "directory.role_granted" in actions and "directory.clearance_changed" in actions
    person.refresh_from_db()
    assert person.clearance == 2 and person.memberships.get().is_primary


def test_administrator_cannot_raise_own_clearance(admin_user):
    with pytest.raises(PermissionDeniedError):
        services.person_set_access(actor=admin_user, person=admin_user, clearance=3)
    admin_user.refresh_from_db()
    assert admin_user.clearance == 1


def test_liaison_lists_only_people_of_own_unit(make_user, mission):
    from sifara.directory.tests.factories import UnitFactory

    trade = UnitFactory(code="pm-trade", kind="partner_ministry")
    liaison = make_user(roles=[("liaison", trade)], username="liaison")
    make_user(roles=[("diplomat", trade)], username="colleague")
    make_user(roles=[("diplomat", mission)], username="stranger")
    names = set(selectors.person_list_for_user(user=liaison).values_list("username", flat=True))
    assert names == {"liaison", "colleague"}


# --- pages ---------------------------------------------------------------------


def test_directory_pages_list_units_and_people(verified_client, make_user, mission, hq_unit):
    user = make_user(roles=[("diplomat", mission)])
    client = verified_client(user)
    page = client.get(reverse("directory:unit_list"))
    assert page.status_code == 200
    assert "السفارة في طوكيو" in page.content.decode()
    filtered = client.get(reverse("directory:unit_list"), {"kind": "mission"})
    assert "إدارة تقنية المعلومات" not in filtered.content.decode()
    detail = client.get(reverse("directory:unit_detail", args=[mission.pk]))
    assert "Asia/Tokyo" in detail.content.decode()
    people = client.get(reverse("directory:person_list"))
    assert user.full_name_ar in people.content.decode()


def test_htmx_filter_returns_only_the_table(verified_client, make_user, mission):
    client = verified_client(make_user(roles=[("diplomat", mission)]))
    response = client.get(reverse("directory:unit_list"), {"q": "طوكيو"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body and "السفارة في طوكيو" in body


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("directory:unit_list"))
    assert response.status_code == 302 and "/identity/login/" in response["Location"]


def test_non_administrator_gets_403_on_management_pages(verified_client, make_user, mission):
    client = verified_client(make_user(roles=[("diplomat", mission)]))
    assert client.get(reverse("directory:unit_create")).status_code == 403
    target = make_user(username="target")
    response = client.post(
        reverse("directory:person_access", args=[target.pk]), {"clearance": 3, "is_active": "on"}
    )
    assert response.status_code == 403
    target.refresh_from_db()
    assert target.clearance == 0


def test_liaison_gets_404_for_people_outside_unit(verified_client, make_user, mission):
    from sifara.directory.tests.factories import UnitFactory

    trade = UnitFactory(code="pm-trade", kind="partner_ministry")
    liaison = make_user(roles=[("liaison", trade)])
    stranger = make_user(roles=[("diplomat", mission)], username="stranger")
    client = verified_client(liaison)
    assert client.get(reverse("directory:person_detail", args=[stranger.pk])).status_code == 404
    assert client.get(reverse("directory:person_detail", args=[999999])).status_code == 404


def test_administrator_creates_person_and_grants_role(verified_client, admin_user, mission):
    client = verified_client(admin_user)
    response = client.post(
        reverse("directory:person_create"),
        {
            "username": "new.diplomat",
            "full_name_ar": "دبلوماسي جديد",
            "full_name_en": "New Diplomat",
            "clearance": 1,
            "preferred_language": "ar",
        },
    )
    assert response.status_code == 200
    person = User.objects.get(username="new.diplomat")
    assert person.must_change_password
    assert response.context["temporary_password"]
    response = client.post(
        reverse("directory:membership_add", args=[person.pk]),
        {"unit": mission.pk, "role": "diplomat"},
    )
    assert response.status_code == 302
    assert person.memberships.filter(unit=mission, role="diplomat").exists()


def test_unit_form_reports_missing_mission_fields(verified_client, admin_user):
    client = verified_client(admin_user)
    response = client.post(
        reverse("directory:unit_create"),
        {"code": "emb-y", "kind": "embassy", "name_ar": "ي", "name_en": "Y"},
    )
    assert response.status_code == 200
    assert not Unit.objects.filter(code="emb-y").exists()
    assert response.context["form"].errors["timezone"]


# --- API -----------------------------------------------------------------------


def test_api_lists_units_for_verified_session(verified_client, make_user, mission):
    client = verified_client(make_user(roles=[("diplomat", mission)]))
    response = client.get("/api/v1/units/", {"kind": "embassy"})
    assert response.status_code == 200
    codes = [u["code"] for u in response.json()["results"]]
    assert codes == ["emb-tokyo"]


def test_api_refuses_anonymous(client):
    response = client.get("/api/v1/units/")
    assert response.status_code in (401, 403)
    assert "error" in response.json()


def test_api_write_denied_to_non_administrator(verified_client, make_user, mission):
    client = verified_client(make_user(roles=[("diplomat", mission)]))
    response = client.post(
        "/api/v1/units/",
        {"code": "x", "kind": "hq_department", "name_en": "X", "name_ar": "س"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert not Unit.objects.filter(code="x").exists()


def test_api_rejects_invalid_timezone_and_country(verified_client, admin_user):
    client = verified_client(admin_user)
    bad_zone = client.post(
        "/api/v1/units/",
        {
            "code": "emb-z",
            "kind": "embassy",
            "name_en": "Z",
            "name_ar": "ز",
            "host_country": "FR",
            "city_en": "Lyon",
            "timezone": "Europe/Atlantis",
        },
        content_type="application/json",
    )
    assert bad_zone.status_code == 400
    assert "timezone" in bad_zone.json()["error"]["details"]
    bad_country = client.post(
        "/api/v1/units/",
        {
            "code": "emb-z",
            "kind": "embassy",
            "name_en": "Z",
            "name_ar": "ز",
            "host_country": "XX",
            "city_en": "Lyon",
            "timezone": "Europe/Paris",
        },
        content_type="application/json",
    )
    assert bad_country.status_code == 400
    assert "host_country" in bad_country.json()["error"]["details"]
    assert not Unit.objects.filter(code="emb-z").exists()


def test_api_admin_creates_and_patches_mission(verified_client, admin_user):
    client = verified_client(admin_user)
    created = client.post(
        "/api/v1/units/",
        {
            "code": "emb-lima",
            "kind": "embassy",
            "name_en": "Embassy in Lima",
            "name_ar": "السفارة في ليما",
            "host_country": "PE",
            "city_en": "Lima",
            "timezone": "America/Lima",
            "accredited_countries": ["BO"],
            "weekend_days": [5, 6],
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    unit_id = created.json()["id"]
    patched = client.patch(
        f"/api/v1/units/{unit_id}/", {"city_ar": "ليما"}, content_type="application/json"
    )
    assert patched.status_code == 200 and patched.json()["city_ar"] == "ليما"
    assert AuditEvent.objects.filter(
        action="directory.unit_created", target_id=str(unit_id)
    ).exists()


def test_api_person_outside_need_to_know_is_404(verified_client, make_user, mission):
    from sifara.directory.tests.factories import UnitFactory

    trade = UnitFactory(code="pm-trade", kind="partner_ministry")
    liaison = make_user(roles=[("liaison", trade)])
    stranger = make_user(roles=[("diplomat", mission)], username="stranger")
    client = verified_client(liaison)
    assert client.get(f"/api/v1/people/{stranger.pk}/").status_code == 404
    assert client.get("/api/v1/people/999999/").status_code == 404


def test_api_non_numeric_ids_are_404_not_500(verified_client, make_user, mission):
    client = verified_client(make_user(roles=[("diplomat", mission)]))
    for url in (
        "/api/v1/units/abc/",
        "/api/v1/people/1e5/",
        "/api/v1/units/9999999999999999999999/",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json()["error"]["code"] == "not_found"


def test_page_with_absurd_id_is_404(verified_client, make_user, mission):
    client = verified_client(make_user(roles=[("diplomat", mission)]))
    assert client.get("/directory/units/99999999999999999999999999/").status_code == 404
    assert client.get("/directory/people/99999999999999999999999999/").status_code == 404


def test_hostile_html_in_names_is_shown_as_text(verified_client, admin_user):
    hostile = '<img src=x onerror="alert(1)">'
    unit = services.unit_create(
        actor=admin_user, code="hq-x", kind="hq_department", name_en=hostile, name_ar=hostile
    )
    client = verified_client(admin_user)
    for url in (reverse("directory:unit_list"), reverse("directory:unit_detail", args=[unit.pk])):
        html = client.get(url).content.decode()
        assert hostile not in html
        assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html
