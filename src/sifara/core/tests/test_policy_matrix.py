"""The policy matrix: role x clearance x classification x unit relation.

Expected values are written out here independently of ``core/policy.py``
so that a change to the policy shows up as a failing row.
"""

from __future__ import annotations

import itertools

import pytest

from sifara.core import policy
from sifara.core.models import Classification
from sifara.directory.models import Membership, Role
from sifara.directory.tests.factories import UnitFactory, UserFactory

RELATIONS = ["owner", "addressee", "granted", "other_unit", "none"]

# capability -> roles that must have it; every other role must NOT.
EXPECTED_CAPABILITIES = {
    "directory.view": set(Role.values),
    "directory.view_all_people": set(Role.values) - {"liaison"},
    "directory.manage": {"administrator"},
    "identity.manage_credentials": {"administrator"},
    "audit.view": {"administrator"},
    "audit.export": {"administrator"},
    "api.tokens": set(Role.values),
    "accounts.view": set(Role.values),
    "accounts.edit": {"digital_officer", "administrator"},
    "accounts.view_posture": {"digital_officer", "administrator"},
    "accounts.review": {"digital_officer", "administrator"},
    "accounts.platform_guide": {"administrator"},
}


@pytest.fixture
def units(db):
    return {
        "owner": UnitFactory(code="m-owner"),
        "addressee": UnitFactory(code="m-addressee"),
        "other": UnitFactory(code="m-other"),
    }


def _user(units, role, clearance, relation):
    user = UserFactory(username=f"u-{role}-{clearance}-{relation}", clearance=clearance)
    unit = {
        "owner": units["owner"],
        "addressee": units["addressee"],
        "granted": units["other"],
        "other_unit": units["other"],
        "none": None,
    }[relation]
    if unit is not None:
        Membership.objects.create(user=user, unit=unit, role=role, is_primary=True)
    return user


@pytest.mark.django_db
@pytest.mark.parametrize("role", Role.values)
def test_record_visibility_matrix(units, role):
    for clearance, relation in itertools.product(Classification.values, RELATIONS):
        user = _user(units, role, clearance, relation)
        granted = [user.pk] if relation == "granted" else []
        for level in Classification.values:
            expected = clearance >= level and relation in {"owner", "addressee", "granted"}
            actual = policy.may_see(
                user,
                classification=level,
                owner_unit_ids=[units["owner"].pk],
                addressee_unit_ids=[units["addressee"].pk],
                granted_user_ids=granted,
            )
            assert actual is expected, (role, clearance, relation, level)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("capability", "role"), list(itertools.product(EXPECTED_CAPABILITIES, Role.values))
)
def test_capability_matrix(units, capability, role):
    user = _user(units, role, Classification.SECRET, "owner")
    assert policy.can(user, capability) is (role in EXPECTED_CAPABILITIES[capability])


@pytest.mark.django_db
def test_user_without_roles_can_do_nothing(units):
    user = UserFactory(username="nobody", clearance=Classification.SECRET)
    assert not any(policy.can(user, capability) for capability in EXPECTED_CAPABILITIES)
    assert not policy.may_see(user, classification=0, owner_unit_ids=[units["owner"].pk])


@pytest.mark.django_db
def test_inactive_account_sees_nothing(units):
    user = _user(units, "head_of_mission", Classification.SECRET, "owner")
    user.is_active = False
    user.save()
    assert not policy.may_see(user, classification=0, owner_unit_ids=[units["owner"].pk])
    assert not policy.can(user, "directory.view")


@pytest.mark.django_db
def test_anonymous_sees_nothing(units):
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    assert not policy.may_see(anonymous, classification=0, owner_unit_ids=[units["owner"].pk])
    assert not policy.can(anonymous, "directory.view")


@pytest.mark.django_db
def test_inactive_unit_gives_no_need_to_know(units):
    user = _user(units, "diplomat", Classification.SECRET, "owner")
    units["owner"].is_active = False
    units["owner"].save()
    policy.forget(user)
    assert not policy.may_see(user, classification=0, owner_unit_ids=[units["owner"].pk])


@pytest.mark.django_db
def test_administrator_role_does_not_open_classified_records(units):
    admin = _user(units, "administrator", Classification.SECRET, "other_unit")
    assert policy.can(admin, "directory.manage")
    assert not policy.may_see(admin, classification=1, owner_unit_ids=[units["owner"].pk])


@pytest.mark.django_db
def test_nobody_changes_their_own_access(units):
    admin = _user(units, "administrator", 1, "owner")
    other_admin = _user(units, "administrator", 1, "addressee")
    diplomat = _user(units, "diplomat", 1, "owner")
    assert not policy.may_change_access(admin, admin)
    assert policy.may_change_access(admin, other_admin)
    assert policy.may_change_access(admin, diplomat)
    assert not policy.may_change_access(diplomat, admin)


@pytest.mark.django_db
def test_liaison_sees_only_people_of_own_unit(units):
    liaison = _user(units, "liaison", 1, "owner")
    colleague = _user(units, "diplomat", 1, "owner")
    stranger = _user(units, "diplomat", 1, "addressee")
    assert policy.may_view_person(liaison, colleague)
    assert policy.may_view_person(liaison, liaison)
    assert not policy.may_view_person(liaison, stranger)


@pytest.mark.django_db
def test_token_scopes_follow_capabilities(units):
    admin = _user(units, "administrator", 1, "owner")
    reader = _user(units, "read_only", 0, "owner")
    admin_scopes = set(policy.allowed_scopes(admin))
    reader_scopes = set(policy.allowed_scopes(reader))
    assert {"directory:read", "directory:write", "audit:read", "accounts:write"} <= admin_scopes
    assert {"directory:read", "accounts:read"} <= reader_scopes
    # A read-only member never gets a write scope or the audit trail.
    assert not {scope for scope in reader_scopes if scope.endswith(":write")}
    assert "audit:read" not in reader_scopes
    # Every scope is granted exactly when its capability is.
    for user, scopes in ((admin, admin_scopes), (reader, reader_scopes)):
        for scope, capability in policy.TOKEN_SCOPES.items():
            assert (scope in scopes) == policy.can(user, capability), (user, scope)
