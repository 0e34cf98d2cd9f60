"""Who may see and do what. The single place later modules ask.

A user sees a record when

* the account is active,
* clearance >= the record's classification, **and**
* need-to-know holds: the user belongs to a unit that owns the record or is
  addressed by it, or holds an explicit grant.

Capabilities (what a user may *do*) come from the roles the user holds in
units, listed in :data:`CAPABILITIES`. Administrators manage the directory and
read the audit trail; they do **not** see classified records by virtue of being
administrators (least privilege). Not-visible and not-existing answer the same
(404) in the selectors that use these helpers.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from sifara.core.models import Classification

if TYPE_CHECKING:
    from sifara.directory.models import Membership, User

ADMINISTRATOR = "administrator"
HEAD_OF_MISSION = "head_of_mission"
DIPLOMAT = "diplomat"
DIGITAL_OFFICER = "digital_officer"
CONSULAR_OFFICER = "consular_officer"
ANALYST = "analyst"
LIAISON = "liaison"
READ_ONLY = "read_only"

ALL_ROLES = frozenset(
    {
        ADMINISTRATOR,
        HEAD_OF_MISSION,
        DIPLOMAT,
        DIGITAL_OFFICER,
        CONSULAR_OFFICER,
        ANALYST,
        LIAISON,
        READ_ONLY,
    }
)
#: Roles held by the ministry's own staff (everyone but partner-ministry liaisons).
MINISTRY_ROLES = ALL_ROLES - {LIAISON}

#: capability -> roles that grant it (in any unit).
CAPABILITIES: dict[str, frozenset[str]] = {
    "directory.view": ALL_ROLES,
    "directory.view_all_people": MINISTRY_ROLES,
    "directory.manage": frozenset({ADMINISTRATOR}),
    "identity.manage_credentials": frozenset({ADMINISTRATOR}),
    "audit.view": frozenset({ADMINISTRATOR}),
    "audit.export": frozenset({ADMINISTRATOR}),
    "api.tokens": ALL_ROLES,
    # Official accounts: everyone on staff reads the registry; digital officers
    # and administrators edit it and alone see security posture and the radar.
    "accounts.view": ALL_ROLES,
    "accounts.edit": frozenset({DIGITAL_OFFICER, ADMINISTRATOR}),
    "accounts.view_posture": frozenset({DIGITAL_OFFICER, ADMINISTRATOR}),
    "accounts.review": frozenset({DIGITAL_OFFICER, ADMINISTRATOR}),
    "accounts.platform_guide": frozenset({ADMINISTRATOR}),
}

#: API token scopes and the capability each one needs.
TOKEN_SCOPES: dict[str, str] = {
    "directory:read": "directory.view",
    "directory:write": "directory.manage",
    "audit:read": "audit.view",
    "accounts:read": "accounts.view",
    "accounts:write": "accounts.edit",
}


def token_scope_label(scope: str) -> str:
    """What a scope allows, in the active language."""
    from django.utils.translation import gettext

    labels = {
        "directory:read": gettext("Read the directory"),
        "directory:write": gettext("Change the directory"),
        "audit:read": gettext("Read the audit trail"),
        "accounts:read": gettext("Read the official accounts registry"),
        "accounts:write": gettext("Change the official accounts registry"),
    }
    return labels.get(scope, scope)


_CACHE_ATTR = "_sifara_memberships"


def memberships(user: User | Any) -> list[Membership]:
    """The user's memberships in active units, cached on the user object."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached: list[Membership] | None = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = list(user.memberships.select_related("unit").filter(unit__is_active=True))
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget(user: User | Any) -> None:
    """Drop cached memberships (after a role change in the same request)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def unit_ids(user: User | Any) -> frozenset[int]:
    return frozenset(m.unit_id for m in memberships(user))


def roles(user: User | Any, *, unit_id: int | None = None) -> frozenset[str]:
    return frozenset(m.role for m in memberships(user) if unit_id is None or m.unit_id == unit_id)


def has_role(user: User | Any, *wanted: str, unit_id: int | None = None) -> bool:
    return bool(roles(user, unit_id=unit_id) & set(wanted))


def is_administrator(user: User | Any) -> bool:
    return has_role(user, ADMINISTRATOR)


def can(user: User | Any, capability: str) -> bool:
    """May ``user`` exercise ``capability`` (see :data:`CAPABILITIES`)?"""
    granted_by = CAPABILITIES.get(capability)
    if granted_by is None:
        raise KeyError(f"unknown capability {capability!r}")
    return bool(roles(user) & granted_by)


def require(user: User | Any, capability: str) -> None:
    """Raise :class:`PermissionDeniedError` (403) unless ``user`` may ``capability``."""
    if not can(user, capability):
        from django.utils.translation import gettext

        from sifara.core.errors import PermissionDeniedError

        raise PermissionDeniedError(gettext("You do not have permission to do this."))


def has_clearance(user: User | Any, classification: int) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return int(user.clearance) >= int(Classification(classification))


def has_need_to_know(
    user: User | Any,
    *,
    owner_unit_ids: Iterable[int] = (),
    addressee_unit_ids: Iterable[int] = (),
    granted_user_ids: Iterable[int] = (),
) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.pk in set(granted_user_ids):
        return True
    mine = unit_ids(user)
    return bool(mine & (set(owner_unit_ids) | set(addressee_unit_ids)))


def may_see(
    user: User | Any,
    *,
    classification: int,
    owner_unit_ids: Iterable[int] = (),
    addressee_unit_ids: Iterable[int] = (),
    granted_user_ids: Iterable[int] = (),
) -> bool:
    """Clearance >= classification **and** need-to-know."""
    return has_clearance(user, classification) and has_need_to_know(
        user,
        owner_unit_ids=owner_unit_ids,
        addressee_unit_ids=addressee_unit_ids,
        granted_user_ids=granted_user_ids,
    )


def may_view_person(viewer: User | Any, person: User) -> bool:
    """Ministry staff see the whole directory of people; a partner-ministry
    liaison sees only the people of the units they belong to."""
    if not can(viewer, "directory.view"):
        return False
    if viewer.pk == person.pk or can(viewer, "directory.view_all_people"):
        return True
    return bool(unit_ids(viewer) & {m.unit_id for m in person.memberships.all()})


def may_change_access(actor: User | Any, target: User) -> bool:
    """Administrators change roles, clearances and credentials of *other* people.

    Nobody raises their own clearance or grants themselves roles: a second
    administrator must do it (separation of duties).
    """
    return can(actor, "directory.manage") and actor.pk != target.pk


def may_reset_credentials(actor: User | Any, target: User) -> bool:
    """Password and two-factor resets: administrators, for *other* people."""
    return can(actor, "identity.manage_credentials") and actor.pk != target.pk


def may_be_custodian(user: User | Any) -> bool:
    """Official accounts are entrusted only to active ministry staff (not to
    partner-ministry liaisons or people without a role)."""
    return bool(getattr(user, "is_active", False) and roles(user) & MINISTRY_ROLES)


def allowed_scopes(user: User | Any) -> list[str]:
    return [scope for scope, capability in TOKEN_SCOPES.items() if can(user, capability)]
