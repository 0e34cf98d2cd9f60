"""Writes to the directory. Every change of access (roles, clearance, accounts)
is checked against policy and audited in the same transaction."""

from __future__ import annotations

import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from sifara import audit
from sifara.core import policy
from sifara.core.errors import ApplicationError, PermissionDeniedError
from sifara.core.models import Classification
from sifara.directory.models import Country, Membership, Role, Unit, User

UNIT_FIELDS = (
    "code",
    "kind",
    "name_en",
    "name_ar",
    "parent",
    "host_country",
    "city_en",
    "city_ar",
    "timezone",
    "organisation",
    "working_languages",
    "weekend_days",
    "starts_on",
    "ends_on",
    "is_active",
)


def _validated_save(obj: Unit | User) -> None:
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise ApplicationError(
            _("Please correct the highlighted fields."), details=exc.message_dict
        ) from exc
    try:
        obj.save()
    except IntegrityError as exc:
        raise ApplicationError(_("This record conflicts with an existing one.")) from exc


def _check_parent(unit: Unit) -> None:
    seen = {unit.pk}
    parent = unit.parent
    while parent is not None:
        if parent.pk in seen:
            raise ApplicationError(
                _("A unit cannot be placed under itself or one of its sub-units."),
                details={"parent": [_("This would create a loop in the hierarchy.")]},
            )
        seen.add(parent.pk)
        parent = parent.parent


def unit_create(
    *, actor: User, accredited_countries: list[Country] | None = None, **fields: Any
) -> Unit:
    policy.require(actor, "directory.manage")
    unknown = set(fields) - set(UNIT_FIELDS)
    if unknown:
        raise ApplicationError(
            _("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    with transaction.atomic():
        unit = Unit(**fields)
        _validated_save(unit)
        if accredited_countries:
            unit.accredited_countries.set(accredited_countries)
        audit.record(
            actor=actor,
            action="directory.unit_created",
            target=unit,
            details={"code": unit.code, "kind": unit.kind},
        )
    return unit


def unit_update(
    *,
    actor: User,
    unit: Unit,
    accredited_countries: list[Country] | None = None,
    **fields: Any,
) -> Unit:
    policy.require(actor, "directory.manage")
    unknown = set(fields) - set(UNIT_FIELDS)
    if unknown:
        raise ApplicationError(
            _("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    with transaction.atomic():
        changed = sorted(k for k, v in fields.items() if getattr(unit, k) != v)
        for key, value in fields.items():
            setattr(unit, key, value)
        _check_parent(unit)
        _validated_save(unit)
        if accredited_countries is not None:
            unit.accredited_countries.set(accredited_countries)
            changed.append("accredited_countries")
        audit.record(
            actor=actor, action="directory.unit_updated", target=unit, details={"fields": changed}
        )
    return unit


def person_create(
    *,
    actor: User,
    username: str,
    email: str = "",
    full_name_en: str = "",
    full_name_ar: str = "",
    job_title_en: str = "",
    job_title_ar: str = "",
    clearance: int = Classification.UNCLASSIFIED,
    preferred_language: str = "ar",
) -> tuple[User, str]:
    """Create an account with a one-time password the person must change."""
    policy.require(actor, "directory.manage")
    temporary = secrets.token_urlsafe(12)
    with transaction.atomic():
        if User.objects.filter(username__iexact=username).exists():
            raise ApplicationError(
                _("The user name “%(name)s” is already taken.") % {"name": username},
                details={"username": [_("Already taken.")]},
            )
        person = User(
            username=username,
            email=email,
            full_name_en=full_name_en,
            full_name_ar=full_name_ar,
            job_title_en=job_title_en,
            job_title_ar=job_title_ar,
            clearance=int(clearance),
            preferred_language=preferred_language,
            must_change_password=True,
        )
        person.set_password(temporary)
        _validated_save(person)
        audit.record(
            actor=actor,
            action="directory.person_created",
            target=person,
            details={"clearance": int(clearance)},
        )
    return person, temporary


def person_update_profile(*, actor: User, person: User, **fields: Any) -> User:
    allowed = {
        "email",
        "full_name_en",
        "full_name_ar",
        "job_title_en",
        "job_title_ar",
        "preferred_language",
    }
    if actor.pk != person.pk:
        policy.require(actor, "directory.manage")
    unknown = set(fields) - allowed
    if unknown:
        raise ApplicationError(
            _("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    with transaction.atomic():
        changed = sorted(k for k, v in fields.items() if getattr(person, k) != v)
        for key, value in fields.items():
            setattr(person, key, value)
        _validated_save(person)
        audit.record(
            actor=actor,
            action="directory.person_updated",
            target=person,
            details={"fields": changed},
        )
    return person


def person_set_access(
    *, actor: User, person: User, clearance: int | None = None, is_active: bool | None = None
) -> User:
    """Change a person's clearance or activate/deactivate the account."""
    if not policy.may_change_access(actor, person):
        raise PermissionDeniedError(
            _("Only another administrator can change this person's access.")
        )
    with transaction.atomic():
        person = User.objects.select_for_update().get(pk=person.pk)
        if clearance is not None and int(clearance) != person.clearance:
            old = person.clearance
            person.clearance = int(Classification(int(clearance)))
            person.save(update_fields=["clearance", "updated_at"])
            audit.record(
                actor=actor,
                action="directory.clearance_changed",
                target=person,
                details={"from": old, "to": person.clearance},
            )
        if is_active is not None and is_active != person.is_active:
            person.is_active = is_active
            person.save(update_fields=["is_active", "updated_at"])
            audit.record(
                actor=actor,
                action="directory.person_activated"
                if is_active
                else "directory.person_deactivated",
                target=person,
            )
    policy.forget(person)
    return person


def membership_grant(
    *, actor: User, person: User, unit: Unit, role: str, is_primary: bool = False
) -> Membership:
    if not policy.may_change_access(actor, person):
        raise PermissionDeniedError(_("Only another administrator can change this person's roles."))
    if role not in Role.values:
        raise ApplicationError(_("Unknown role."), details={"role": [_("Unknown role.")]})
    with transaction.atomic():
        if Membership.objects.filter(user=person, unit=unit, role=role).exists():
            raise ApplicationError(_("This person already holds this role in this unit."))
        if is_primary:
            Membership.objects.filter(user=person, is_primary=True).update(is_primary=False)
        elif not Membership.objects.filter(user=person, is_primary=True).exists():
            is_primary = True
        membership = Membership.objects.create(
            user=person, unit=unit, role=role, is_primary=is_primary
        )
        audit.record(
            actor=actor,
            action="directory.role_granted",
            target=person,
            details={"unit": unit.code, "role": role, "primary": is_primary},
        )
    policy.forget(person)
    return membership


def membership_revoke(*, actor: User, membership: Membership) -> None:
    person = membership.user
    if not policy.may_change_access(actor, person):
        raise PermissionDeniedError(_("Only another administrator can change this person's roles."))
    with transaction.atomic():
        details = {"unit": membership.unit.code, "role": membership.role}
        was_primary = membership.is_primary
        membership.delete()
        if was_primary:
            successor = Membership.objects.filter(user=person).order_by("created_at").first()
            if successor is not None:
                successor.is_primary = True
                successor.save(update_fields=["is_primary", "updated_at"])
        audit.record(actor=actor, action="directory.role_revoked", target=person, details=details)
    policy.forget(person)


def countries_sync() -> int:
    """Create or update the ISO 3166-1 countries from pycountry; returns how many."""
    from sifara.directory.countries import upsert_countries

    with transaction.atomic():
        return upsert_countries(Country)


def administrator_bootstrap(
    *,
    username: str,
    operator: str,
    unit_code: str = "hq",
    full_name_en: str = "",
    full_name_ar: str = "",
    allow_additional: bool = False,
) -> tuple[User, str]:
    """Create an administrator from the server's command line (first install).

    Whoever runs ``sifara`` on the server already holds the keys, so no
    in-app permission applies; the event is audited with the operator's
    system account name. Refuses when an administrator exists unless
    ``allow_additional``.
    """
    with transaction.atomic():
        if (
            Membership.objects.filter(role=Role.ADMINISTRATOR, user__is_active=True).exists()
            and not allow_additional
        ):
            raise ApplicationError(
                _("An administrator already exists; use --allow-additional to add another.")
            )
        if User.objects.filter(username__iexact=username).exists():
            raise ApplicationError(
                _("The user name “%(name)s” is already taken.") % {"name": username}
            )
        unit = Unit.objects.filter(code=unit_code).first()
        if unit is None:
            if unit_code != "hq":
                raise ApplicationError(
                    _("There is no unit with the code “%(code)s”.") % {"code": unit_code}
                )
            unit = Unit.objects.create(
                code="hq", kind="hq_department", name_en="Headquarters", name_ar="ديوان الوزارة"
            )
        temporary = secrets.token_urlsafe(12)
        person = User(
            username=username,
            full_name_en=full_name_en,
            full_name_ar=full_name_ar,
            clearance=Classification.RESTRICTED,
            must_change_password=True,
        )
        person.set_password(temporary)
        _validated_save(person)
        Membership.objects.create(user=person, unit=unit, role=Role.ADMINISTRATOR, is_primary=True)
        audit.record(
            actor=None,
            actor_label=f"cli:{operator}"[:150],
            action="directory.administrator_bootstrapped",
            target=person,
            details={"unit": unit.code},
        )
    return person, temporary
