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
    # --- Cables (issue 3): capabilities below; need-to-know rules at the end ---
    "cables.view": ALL_ROLES,
    "cables.draft": MINISTRY_ROLES - {READ_ONLY},
    "cables.acknowledge": ALL_ROLES - {READ_ONLY},
    # Duty rosters and release-authority grants (never one's own): see may_manage_cable_unit.
    "cables.manage": frozenset({HEAD_OF_MISSION, ADMINISTRATOR}),
    # --- Operations rooms (issue 3) ---
    # Reading a room is decided by room membership (may_see_room below); this
    # capability only gates the rooms API scope (guests hold no capability).
    "rooms.view": ALL_ROLES,
    # Open a room and invite outside guests: heads of mission/department,
    # diplomats and consular officers, held in an HQ department (may_open_room).
    "rooms.open": frozenset({HEAD_OF_MISSION, DIPLOMAT, CONSULAR_OFFICER}),
    # --- Archive of agreements (issue 4) ---
    "archive.view": ALL_ROLES,
    # Recording agreements needs one of these roles *in a treaties unit*
    # (settings.SIFARA_ARCHIVE_TREATIES_UNITS); see may_edit_archive().
    "archive.edit": frozenset({HEAD_OF_MISSION, DIPLOMAT, ANALYST}),
    # The topic taxonomy is configuration: administrators (and treaties editors).
    "archive.manage_topics": frozenset({ADMINISTRATOR}),
    # --- Listening (issue 6) ---
    "listening.view": frozenset({ANALYST, DIGITAL_OFFICER}),
    # Configure sources (feeds, connectors, imports) and watch-lists.
    "listening.manage_sources": frozenset({ANALYST, DIGITAL_OFFICER}),
    "listening.manage_watchlists": frozenset({ANALYST, DIGITAL_OFFICER}),
    # --- Listening analysis (issue 6: alerts, statements, claims, dashboards) ---
    # Posts are public content: every holder of listening.view reads dashboards,
    # statements, claims and clusters. Alert rules and their alerts belong to a
    # unit (listening_unit_ids below); saved searches to their owner.
    "listening.export": frozenset({ANALYST, DIGITAL_OFFICER}),
    "listening.manage_alerts": frozenset({ANALYST, DIGITAL_OFFICER}),
    "listening.manage_statements": frozenset({ANALYST, DIGITAL_OFFICER}),
    "listening.manage_claims": frozenset({ANALYST, DIGITAL_OFFICER}),
}

#: API token scopes and the capability each one needs.
TOKEN_SCOPES: dict[str, str] = {
    "directory:read": "directory.view",
    "directory:write": "directory.manage",
    "audit:read": "audit.view",
    "accounts:read": "accounts.view",
    "accounts:write": "accounts.edit",
    "cables:read": "cables.view",
    "cables:write": "cables.acknowledge",
    "rooms:read": "rooms.view",
    "archive:read": "archive.view",
    "listening:read": "listening.view",
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
        "cables:read": gettext("Read cables"),
        "cables:write": gettext("Draft, release and acknowledge cables"),
        "rooms:read": gettext("Read my operations rooms"),
        "archive:read": gettext("Search and read the archive of agreements"),
        "listening:read": gettext("Read listening alerts and claims"),
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


# --- Cables (issue 3) -------------------------------------------------------------
#
# Who reads a cable (decided here alone; selectors use cable_visibility_q for
# lists and may_see_cable for one record, and the policy tests prove they agree):
#
# * the user holds ``cables.view`` (any role in an active unit: a person with no
#   role, such as an operations room's guest, sees no cable at all), **and**
# * clearance >= the cable's classification, **and**
# * need-to-know, one of:
#   - member of the drafting unit (drafts and released cables alike);
#   - member of an addressee unit, once the cable is released (or recalled);
#   - the drafter, the releaser, a colleague asked to clear it, or a person
#     named in an explicit grant.
# * Captions narrow the addressee route (the drafting unit's own traffic and the
#   personal routes above are not narrowed):
#   - "addressee only": in addressee units only their heads of mission;
#   - "action addressees only": information addressees do not read it;
#   - "ministry staff only": partner-ministry liaisons do not read it.
#
# Release authority (decision 0014): a person may release a cable of unit U at
# classification C when they are an active member of U, clearance >= C, and
# either hold the head_of_mission role in U (heads of mission release their
# mission's traffic up to their own clearance) or hold an explicit
# ReleaseAuthority grant for U up to at least C (how HQ department heads and
# delegation leaders get it). Granting is done by administrators, never to
# themselves. The drafter may not release their own cable unless they hold
# the authority (self-release is allowed for heads of mission, as in practice).

CABLE_RELEASED_STATES = ("released", "recalled")


def cable_hom_unit_ids(user: User | Any) -> frozenset[int]:
    return frozenset(m.unit_id for m in memberships(user) if m.role == HEAD_OF_MISSION)


def cable_excluded_by_ministry_only(user: User | Any) -> bool:
    """Partner-ministry staff (only liaison roles) are excluded by "ministry staff only"."""
    held = roles(user)
    return bool(held) and held <= {LIAISON}


def may_see_cable(
    user: User | Any,
    *,
    classification: int,
    status: str,
    drafting_unit_id: int,
    action_unit_ids: Iterable[int] = (),
    info_unit_ids: Iterable[int] = (),
    personal_user_ids: Iterable[int] = (),
    addressee_only: bool = False,
    action_only: bool = False,
    ministry_only: bool = False,
) -> bool:
    """The cable rule above for one cable. ``personal_user_ids``: drafter,
    releaser, clearers and explicitly granted people."""
    if not can(user, "cables.view") or not has_clearance(user, classification):
        return False
    if user.pk in set(personal_user_ids):
        return True
    if ministry_only and cable_excluded_by_ministry_only(user):
        return False
    mine = unit_ids(user)
    if drafting_unit_id in mine:
        return True
    if status not in CABLE_RELEASED_STATES:
        return False
    addressed = set(action_unit_ids) | (set() if action_only else set(info_unit_ids))
    reachable = cable_hom_unit_ids(user) if addressee_only else mine
    return bool(addressed & reachable)


def cable_visibility_q(user: User | Any) -> Any:
    """A ``Q`` on ``cables.Cable`` matching exactly the cables ``user`` may see."""
    from django.apps import apps
    from django.db.models import Exists, OuterRef, Q

    if not can(user, "cables.view"):
        return Q(pk__in=[])
    delivery = apps.get_model("cables", "Delivery")
    clearance_model = apps.get_model("cables", "Clearance")
    grant = apps.get_model("cables", "CableGrant")
    mine = sorted(unit_ids(user))
    homs = sorted(cable_hom_unit_ids(user))

    def addressed(units: list[int], *, action: bool) -> Any:
        rows = delivery.objects.filter(cable=OuterRef("pk"), unit_id__in=units)
        if action:
            rows = rows.filter(kind="action")
        return Exists(rows)

    personal = (
        Q(drafter_id=user.pk)
        | Q(released_by_id=user.pk)
        | Exists(clearance_model.objects.filter(cable=OuterRef("pk"), clearer_id=user.pk))
        | Exists(grant.objects.filter(cable=OuterRef("pk"), user_id=user.pk))
    )
    addressee_route = Q(status__in=CABLE_RELEASED_STATES) & (
        (Q(addressee_only=False, action_only=False) & addressed(mine, action=False))
        | (Q(addressee_only=False, action_only=True) & addressed(mine, action=True))
        | (Q(addressee_only=True, action_only=False) & addressed(homs, action=False))
        | (Q(addressee_only=True, action_only=True) & addressed(homs, action=True))
    )
    units_route = Q(drafting_unit_id__in=mine) | addressee_route
    if cable_excluded_by_ministry_only(user):
        units_route &= Q(ministry_only=False)
    return Q(classification__lte=int(user.clearance)) & (personal | units_route)


def cable_inbox_q(user: User | Any, *, unit_id: int) -> Any:
    """A ``Q`` on ``cables.Delivery`` for the deliveries of ``unit_id`` the user
    may read in that unit's inbox (the unit route of the rule, for one unit).
    Empty unless the user is a member of the unit."""
    from django.db.models import Q

    if not can(user, "cables.view") or unit_id not in unit_ids(user):
        return Q(pk__in=[])
    # Caption flags are copied onto each delivery at release (one-table inbox).
    q = Q(unit_id=unit_id, delivered_at__isnull=False, classification__lte=int(user.clearance))
    if unit_id not in cable_hom_unit_ids(user):
        q &= Q(addressee_only=False)
    q &= Q(kind="action") | Q(action_only=False)
    if cable_excluded_by_ministry_only(user):
        q &= Q(ministry_only=False)
    return q


def may_draft_cable(user: User | Any, *, unit_id: int) -> bool:
    """Drafting for a unit: ``cables.draft`` and membership of that unit."""
    return unit_id in {
        m.unit_id for m in memberships(user) if m.role in CAPABILITIES["cables.draft"]
    }


def may_release_cable(
    user: User | Any,
    *,
    unit_id: int,
    classification: int,
    granted_levels: dict[int, int] | None = None,
) -> bool:
    """Release authority (see above). ``granted_levels``: unit id -> highest
    classification of the user's explicit ReleaseAuthority grants."""
    if not has_clearance(user, classification) or unit_id not in unit_ids(user):
        return False
    if unit_id in cable_hom_unit_ids(user):
        return True
    granted = (granted_levels or {}).get(unit_id)
    return granted is not None and granted >= int(classification)


def may_acknowledge_cable(user: User | Any, *, unit_id: int) -> bool:
    """A member of the addressee unit with a role other than read-only."""
    return unit_id in {
        m.unit_id for m in memberships(user) if m.role in CAPABILITIES["cables.acknowledge"]
    }


def may_manage_cable_unit(user: User | Any, *, unit_id: int) -> bool:
    """Duty roster of a unit: its heads of mission, or administrators."""
    return is_administrator(user) or unit_id in cable_hom_unit_ids(user)


def may_grant_release_authority(actor: User | Any, target: User) -> bool:
    """Release authority is granted by administrators, never to themselves."""
    return can(actor, "directory.manage") and actor.pk != target.pk


# --- Operations rooms (issue 3) ---------------------------------------------------
# A room is seen only by its members (per-room role owner/member/guest); inside,
# each timeline entry also needs clearance >= its classification. Guests are
# outside experts with no unit membership: they hold no capability anywhere and
# see nothing beyond the rooms they are members of.

ROOM_OWNER = "owner"
ROOM_MEMBER = "member"
ROOM_GUEST = "guest"
ROOM_ROLES = frozenset({ROOM_OWNER, ROOM_MEMBER, ROOM_GUEST})


def is_active_account(user: User | Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def may_open_room(user: User | Any) -> bool:
    """``rooms.open`` held in an active HQ department (not only at a mission)."""
    granted = CAPABILITIES["rooms.open"]
    return any(m.role in granted and m.unit.kind == "hq_department" for m in memberships(user))


def may_see_room(user: User | Any, *, room_role: str | None) -> bool:
    """Room members (any per-room role) see the room; nobody else does."""
    return is_active_account(user) and room_role in ROOM_ROLES


def may_see_room_entry(user: User | Any, *, room_role: str | None, classification: int) -> bool:
    """Membership **and** clearance >= the entry's classification."""
    return may_see_room(user, room_role=room_role) and has_clearance(user, classification)


def may_post_in_room(user: User | Any, *, room_role: str | None, room_is_open: bool) -> bool:
    """Every member, guests included, writes to the timeline of an open room."""
    return room_is_open and may_see_room(user, room_role=room_role)


def may_decide_in_room(user: User | Any, *, room_role: str | None, room_is_open: bool) -> bool:
    """Decisions, tasks, checklist and linked cables: owners and ministry members,
    not guests."""
    return room_is_open and is_active_account(user) and room_role in {ROOM_OWNER, ROOM_MEMBER}


def may_manage_room(user: User | Any, *, room_role: str | None, room_is_open: bool) -> bool:
    """Add members and close the room: owners."""
    return room_is_open and is_active_account(user) and room_role == ROOM_OWNER


def may_invite_guest(user: User | Any, *, room_role: str | None, room_is_open: bool) -> bool:
    """Owners who may also open rooms (HQ staff) invite outside guests."""
    return may_manage_room(user, room_role=room_role, room_is_open=room_is_open) and (
        may_open_room(user)
    )


def may_export_room(user: User | Any, *, room_role: str | None) -> bool:
    """The situation log leaves the system: owners and members, not guests."""
    return is_active_account(user) and room_role in {ROOM_OWNER, ROOM_MEMBER}


# --- Archive of agreements (issue 4) ----------------------------------------------
#
# Agreements carry a classification, an owning unit (the treaties department)
# and responsible ministries (partner-ministry units).
#
# * Ministry staff (any role but ``liaison``) see every UNCLASSIFIED agreement.
# * A partner-ministry liaison sees only agreements their ministry is responsible for.
# * Above UNCLASSIFIED: clearance >= classification **and** need-to-know: member
#   of the owning unit or of a responsible ministry, or an explicit grant.
#   Administrators get nothing by being administrators.
# * A file is seen under the same rule at the higher of its own and its
#   agreement's classification.


def archive_treaties_units() -> frozenset[str]:
    """Codes of the units whose staff record agreements (the treaties department)."""
    from django.conf import settings

    return frozenset(getattr(settings, "SIFARA_ARCHIVE_TREATIES_UNITS", ("hq-legal",)))


def may_edit_archive(user: User | Any) -> bool:
    """Record and change agreements, attach files, import: a role granting
    ``archive.edit`` held in a treaties unit."""
    codes = archive_treaties_units()
    granted_by = CAPABILITIES["archive.edit"]
    return any(m.role in granted_by and m.unit.code in codes for m in memberships(user))


def may_manage_archive_topics(user: User | Any) -> bool:
    return can(user, "archive.manage_topics") or may_edit_archive(user)


def archive_sees_all_unclassified(user: User | Any) -> bool:
    """Ministry staff read every UNCLASSIFIED agreement; liaisons do not."""
    return can(user, "archive.view") and bool(roles(user) & MINISTRY_ROLES)


def may_see_agreement(
    user: User | Any,
    *,
    classification: int,
    owner_unit_id: int | None,
    ministry_unit_ids: Iterable[int] = (),
    granted_user_ids: Iterable[int] = (),
) -> bool:
    """The archive's visibility rule (mirrored as a query by
    ``archive.selectors.agreement_visible_q``; the policy tests check both)."""
    if not can(user, "archive.view") or not has_clearance(user, classification):
        return False
    ministries = set(ministry_unit_ids)
    if not archive_sees_all_unclassified(user):
        # A liaison: only what their ministry is responsible for.
        return bool(unit_ids(user) & ministries)
    if int(classification) == int(Classification.UNCLASSIFIED):
        return True
    return has_need_to_know(
        user,
        owner_unit_ids=[owner_unit_id] if owner_unit_id else [],
        addressee_unit_ids=ministries,
        granted_user_ids=granted_user_ids,
    )


# --- Listening (issue 6) ----------------------------------------------------------

# --- Listening analysis (issue 6) -------------------------------------------------
# Alert rules are kept per unit: a user sees (and, with listening.manage_alerts,
# manages) the rules and alerts of the units in which they hold a role granting
# listening.view; an analyst of one unit does not see another unit's rules.


def listening_unit_ids(user: User | Any) -> frozenset[int]:
    """Units whose alert rules and alerts ``user`` sees."""
    granted = CAPABILITIES["listening.view"]
    return frozenset(m.unit_id for m in memberships(user) if m.role in granted)


def may_manage_alerts_of(user: User | Any, *, unit_id: int) -> bool:
    """Create, change and delete a unit's alert rules: listening.manage_alerts held
    in that unit."""
    granted = CAPABILITIES["listening.manage_alerts"]
    return any(m.unit_id == unit_id and m.role in granted for m in memberships(user))
