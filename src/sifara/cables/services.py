"""Writes of the cables module: drafting, clearing, releasing, recalling,
acknowledging, reading (audited), attachments, rosters, push subscriptions
and the escalation sweep. Every service owns its transaction; side effects
(notifications, search index) wait for the commit."""

from __future__ import annotations

import functools
import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sifara.audit import services as audit
from sifara.cables import content
from sifara.cables.handling import HANDLING, current, due_at, handling, precedence_code
from sifara.cables.models import (
    Acknowledgement,
    AddresseeKind,
    Attachment,
    Cable,
    CableGrant,
    CableStatus,
    Caption,
    Clearance,
    ClearanceStatus,
    Delivery,
    DutyOfficer,
    Notice,
    NoticeReason,
    Precedence,
    PushSubscription,
    ReferenceCounter,
    ReleaseAuthority,
)
from sifara.cables.tags import SUBJECT_TAGS, is_country_tag, tags_index
from sifara.core import policy, search
from sifara.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from sifara.core.models import Classification
from sifara.directory.models import Country, Membership, Unit, UnitKind, User

logger = logging.getLogger(__name__)

MAX_PARAGRAPHS = 60
MAX_PARAGRAPH_CHARS = 20_000
MAX_ADDRESSEES = 400
MAX_ATTACHMENTS = 20
#: Allowed attachment types: extension -> (content type, magic-number check).
ATTACHMENT_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (b"PK\x03\x04",),
    ),
    "pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        (b"PK\x03\x04",),
    ),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "txt": ("text/plain", ()),
    "csv": ("text/csv", ()),
}
#: Partner ministries are not cleared for traffic above this level.
PARTNER_MAX_CLASSIFICATION = Classification.RESTRICTED


def _require_release_authority(actor: User, cable: Cable) -> None:
    """Release and recall need release authority for the cable's unit and level."""
    if not may_release(actor, cable):
        raise PermissionDeniedError(
            _("You do not have release authority for this unit at this classification."),
            code="no_release_authority",
        )


def _not_found() -> NotFoundError:
    return NotFoundError(_("No such cable."))


def refusal_record(
    *,
    actor: User | None,
    action: str,
    reason: str,
    target: Cable | None = None,
    details: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> None:
    """Audit a refused, security-relevant attempt (in its own transaction)."""
    audit.record(
        actor=actor,
        action=action,
        target=target,
        details={"reason": reason, **(details or {})},
        request=request,
    )


def _locked(cable_id: int) -> Cable:
    cable = (
        Cable.objects.select_for_update(of=("self",))
        .select_related("drafting_unit", "drafter", "data_key", "in_reply_to")
        .filter(pk=cable_id)
        .first()
    )
    if cable is None:
        raise _not_found()
    return cable


def cable_facts(cable: Cable) -> dict[str, Any]:
    """What :func:`policy.may_see_cable` needs to know about ``cable``."""
    deliveries = list(cable.deliveries.values_list("unit_id", "kind"))
    personal = {cable.drafter_id}
    if cable.released_by_id:
        personal.add(cable.released_by_id)
    personal.update(cable.clearances.values_list("clearer_id", flat=True))
    personal.update(cable.grants.values_list("user_id", flat=True))
    return {
        "classification": cable.classification,
        "status": cable.status,
        "drafting_unit_id": cable.drafting_unit_id,
        "action_unit_ids": [u for u, k in deliveries if k == AddresseeKind.ACTION],
        "info_unit_ids": [u for u, k in deliveries if k == AddresseeKind.INFO],
        "personal_user_ids": personal,
        "addressee_only": cable.addressee_only,
        "action_only": cable.action_only,
        "ministry_only": cable.ministry_only,
    }


def may_see(user: User, cable: Cable) -> bool:
    return policy.may_see_cable(user, **cable_facts(cable))


# --- Drafting -------------------------------------------------------------------


@dataclass
class DraftFields:
    """Everything a drafter chooses (create and update)."""

    subject: str
    paragraphs: list[dict[str, Any]]
    classification: int
    precedence: int
    tags: list[str]
    captions: list[str]
    action_units: list[Unit]
    info_units: list[Unit]
    references: list[Cable]


def _validate_draft(*, actor: User, unit: Unit, fields: DraftFields) -> list[dict[str, Any]]:
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if not fields.subject.strip():
        add("subject", _("Enter a subject."))
    elif len(fields.subject) > 300:
        add("subject", _("The subject is longer than 300 characters."))
    try:
        level = Classification(int(fields.classification))
    except ValueError:
        add("classification", _("Choose a classification."))
        level = Classification.UNCLASSIFIED
    if not policy.has_clearance(actor, level):
        add("classification", _("You cannot draft above your own clearance."))
    try:
        Precedence(int(fields.precedence))
    except ValueError:
        add("precedence", _("Choose a precedence."))
    for caption in fields.captions:
        if caption not in Caption.values:
            add("captions", _("Unknown caption."))
    paragraphs = []
    for p in fields.paragraphs:
        text = content.sanitize(str(p.get("text", "")))
        if not text:
            continue
        try:
            mark = Classification(int(p.get("mark", -1)))
        except ValueError:
            add("body", _("Every paragraph needs a portion mark."))
            continue
        if mark > level:
            add(
                "body",
                _("A paragraph is marked above the cable's classification."),
            )
        if len(text) > MAX_PARAGRAPH_CHARS:
            add("body", _("A paragraph is longer than 20,000 characters."))
        paragraphs.append({"mark": int(mark), "text": text})
    if not paragraphs:
        add("body", _("Write at least one paragraph."))
    if len(paragraphs) > MAX_PARAGRAPHS:
        add("body", _("A cable has at most 60 paragraphs."))
    known_countries = set(
        Country.objects.filter(code__in=[t for t in fields.tags if is_country_tag(t)]).values_list(
            "code", flat=True
        )
    )
    for tag in fields.tags:
        if tag not in SUBJECT_TAGS and tag not in known_countries:
            add("tags", _("“%(tag)s” is not a known subject TAG or country code.") % {"tag": tag})
    if not any(tag in SUBJECT_TAGS for tag in fields.tags):
        add("tags", _("Give at least one subject TAG (for example PREL)."))
    refused_units: list[int] = []
    action_ids = [u.pk for u in fields.action_units]
    info_ids = [u.pk for u in fields.info_units]
    if not action_ids:
        add("action_units", _("Choose at least one action addressee."))
    if set(action_ids) & set(info_ids):
        add("info_units", _("A unit cannot be both an action and an information addressee."))
    if len(action_ids) + len(info_ids) > MAX_ADDRESSEES:
        add("action_units", _("Too many addressees."))
    for name, units in (("action_units", fields.action_units), ("info_units", fields.info_units)):
        for addressee in units:
            problem = _addressee_problem(addressee, unit=unit, level=level, fields=fields)
            if problem:
                add(name, problem)
                refused_units.append(addressee.pk)
    for ref in fields.references:
        if ref.status == CableStatus.DRAFT or not may_see(actor, ref):
            add("references", _("A referenced cable does not exist or is not visible to you."))
    if errors:
        raise ApplicationError(
            _("Please correct the highlighted fields."),
            code="unauthorised_addressee" if refused_units else "invalid",
            details={**errors, **({"_refused_units": refused_units} if refused_units else {})},
        )
    return paragraphs


def _validated(
    *, actor: User, unit: Unit, fields: DraftFields, request: HttpRequest | None
) -> list[dict[str, Any]]:
    """Validate a draft; an addressee the unit may not send this cable to (an
    inactive unit, a partner ministry above RESTRICTED) is audited as a refusal."""
    try:
        return _validate_draft(actor=actor, unit=unit, fields=fields)
    except ApplicationError as exc:
        refused = exc.details.pop("_refused_units", None)
        if refused:
            refusal_record(
                actor=actor,
                action="cable.addressee_refused",
                reason="unauthorised_addressee",
                details={"unit_ids": refused, "classification": int(fields.classification)},
                request=request,
            )
        raise


def _addressee_problem(addressee: Unit, *, unit: Unit, level: int, fields: DraftFields) -> str:
    if not addressee.is_active:
        return _("%(unit)s is not an active unit.") % {"unit": addressee.name}
    if addressee.pk == unit.pk:
        return _("A unit cannot address a cable to itself.")
    if addressee.kind == UnitKind.PARTNER_MINISTRY and (
        level > PARTNER_MAX_CLASSIFICATION or Caption.MINISTRY_ONLY in fields.captions
    ):
        return _(
            "%(unit)s is a partner ministry: it may receive cables up to Restricted "
            "that are not for ministry staff only."
        ) % {"unit": addressee.name}
    return ""


def _set_captions(cable: Cable, captions: Iterable[str]) -> None:
    chosen = set(captions)
    cable.addressee_only = Caption.ADDRESSEE_ONLY in chosen
    cable.action_only = Caption.ACTION_ONLY in chosen
    cable.ministry_only = Caption.MINISTRY_ONLY in chosen


def _write_addressees(cable: Cable, fields: DraftFields) -> None:
    cable.deliveries.all().delete()
    rows = [
        Delivery(cable=cable, unit=u, kind=AddresseeKind.ACTION, position=i)
        for i, u in enumerate(fields.action_units)
    ] + [
        Delivery(cable=cable, unit=u, kind=AddresseeKind.INFO, position=1000 + i)
        for i, u in enumerate(fields.info_units)
    ]
    Delivery.objects.bulk_create(rows)
    cable.references.set(fields.references)


def cable_draft_create(
    *,
    actor: User,
    drafting_unit: Unit,
    fields: DraftFields,
    in_reply_to: Cable | None = None,
    submission_key: uuid.UUID | None = None,
    request: HttpRequest | None = None,
) -> Cable:
    """Create a draft in ``drafting_unit``. A reply names the cable it answers
    (which the drafter must be able to see)."""
    if not policy.may_draft_cable(actor, unit_id=drafting_unit.pk):
        raise PermissionDeniedError(_("You may not draft cables for this unit."))
    if in_reply_to is not None and (
        in_reply_to.status == CableStatus.DRAFT or not may_see(actor, in_reply_to)
    ):
        refusal_record(
            actor=actor,
            action="cable.reply_refused",
            reason="not_visible",
            details={"cable_id": in_reply_to.pk},
            request=request,
        )
        raise _not_found()
    if (
        submission_key is not None
        and Cable.objects.filter(drafter=actor, submission_key=submission_key).exists()
    ):
        raise ApplicationError(
            _("This form was already submitted; the draft has been saved once."),
            code="duplicate_submission",
            status_code=409,
        )
    paragraphs = _validated(actor=actor, unit=drafting_unit, fields=fields, request=request)
    try:
        with transaction.atomic():
            cable = Cable(
                drafting_unit=drafting_unit,
                drafter=actor,
                classification=int(fields.classification),
                precedence=int(fields.precedence),
                tags=list(fields.tags),
                tags_index=tags_index(fields.tags),
                in_reply_to=in_reply_to,
                submission_key=submission_key,
            )
            _set_captions(cable, fields.captions)
            cable.save()
            content.store_content(cable, subject=fields.subject.strip(), paragraphs=paragraphs)
            cable.save()
            _write_addressees(cable, fields)
            audit.record(
                actor=actor,
                action="cable.drafted",
                target=cable,
                details={
                    "classification": cable.classification,
                    "precedence": cable.precedence,
                    "reply_to": in_reply_to.pk if in_reply_to else None,
                },
                request=request,
            )
    except IntegrityError as exc:
        raise ApplicationError(
            _("This form was already submitted; the draft has been saved once."),
            code="duplicate_submission",
            status_code=409,
        ) from exc
    return cable


def _require_editable(actor: User, cable: Cable) -> None:
    if cable.status != CableStatus.DRAFT:
        raise ApplicationError(
            _("This cable has been released and can no longer be changed."),
            code="already_released",
            status_code=409,
        )
    if cable.drafter_id != actor.pk and not policy.may_draft_cable(
        actor, unit_id=cable.drafting_unit_id
    ):
        raise PermissionDeniedError(_("Only the drafting unit may change this draft."))


def cable_draft_update(
    *, actor: User, cable_id: int, fields: DraftFields, request: HttpRequest | None = None
) -> Cable:
    """Change a draft. Clearances already given are reset (they cleared other text)."""
    existing = Cable.objects.select_related("drafting_unit").filter(pk=cable_id).first()
    if existing is None or not may_see(actor, existing):
        raise _not_found()
    unit = existing.drafting_unit
    _validated(actor=actor, unit=unit, fields=fields, request=request)
    with transaction.atomic():
        cable = _locked(cable_id)
        if not may_see(actor, cable):
            raise _not_found()
        _require_editable(actor, cable)
        paragraphs = _validate_draft(actor=actor, unit=cable.drafting_unit, fields=fields)
        old_level = cable.classification
        cable.classification = int(fields.classification)
        cable.precedence = int(fields.precedence)
        cable.tags = list(fields.tags)
        cable.tags_index = tags_index(fields.tags)
        _set_captions(cable, fields.captions)
        content.store_content(cable, subject=fields.subject.strip(), paragraphs=paragraphs)
        cable.save()
        if old_level != cable.classification:
            _reseal_attachments(cable, old_level)
        _write_addressees(cable, fields)
        reset = cable.clearances.filter(status=ClearanceStatus.CLEARED).update(
            status=ClearanceStatus.PENDING, decided_at=None
        )
        audit.record(
            actor=actor,
            action="cable.draft_updated",
            target=cable,
            details={"classification": cable.classification, "clearances_reset": reset},
            request=request,
        )
    return cable


def _reseal_attachments(cable: Cable, old_level: int) -> None:
    """The classification changed: store attachments the new way."""
    previous = Cable(pk=cable.pk, classification=old_level, data_key=cable.data_key)
    for attachment in cable.attachments.all():
        data = content.read_attachment(previous, attachment)
        content.seal_attachment(cable, attachment, data)
        attachment.save()


# --- Attachments ----------------------------------------------------------------


def attachment_check(filename: str, data: bytes) -> str:
    name = (filename or "").strip().replace("\\", "/").split("/")[-1][:200]
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ATTACHMENT_TYPES:
        raise ApplicationError(
            _("Files of this type cannot be attached. Allowed: %(types)s.")
            % {"types": ", ".join(sorted(ATTACHMENT_TYPES))},
            details={"file": [_("This file type is not allowed.")]},
        )
    limit = settings.SIFARA_CABLE_ATTACHMENT_MAX_BYTES
    if len(data) > limit:
        raise ApplicationError(
            _("The file is larger than the limit of %(size)s MB.")
            % {"size": f"{limit / 1024 / 1024:.0f}"},
            details={"file": [_("The file is too large.")]},
        )
    if not data:
        raise ApplicationError(_("The file is empty."), details={"file": [_("The file is empty.")]})
    content_type, magic = ATTACHMENT_TYPES[extension]
    if magic and not any(data.startswith(m) for m in magic):
        raise ApplicationError(
            _("The file's content does not match its type."),
            details={"file": [_("The file's content does not match its type.")]},
        )
    if not magic:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ApplicationError(
                _("The file's content does not match its type."),
                details={"file": [_("The file's content does not match its type.")]},
            ) from exc
    return content_type


def attachment_add(
    *,
    actor: User,
    cable_id: int,
    filename: str,
    data: bytes,
    request: HttpRequest | None = None,
) -> Attachment:
    content_type = attachment_check(filename, data)
    name = filename.strip().replace("\\", "/").split("/")[-1][:200]
    with transaction.atomic():
        cable = _locked(cable_id)
        if not may_see(actor, cable):
            raise _not_found()
        _require_editable(actor, cable)
        if cable.attachments.count() >= MAX_ATTACHMENTS:
            raise ApplicationError(_("A cable has at most 20 attachments."))
        attachment = Attachment(
            cable=cable,
            filename=name,
            content_type=content_type,
            position=cable.attachments.count(),
            size=len(data),
        )
        content.seal_attachment(cable, attachment, data)
        attachment.save()
        cable.clearances.filter(status=ClearanceStatus.CLEARED).update(
            status=ClearanceStatus.PENDING, decided_at=None
        )
        audit.record(
            actor=actor,
            action="cable.attachment_added",
            target=cable,
            details={"attachment_id": attachment.pk, "size": attachment.size},
            request=request,
        )
    return attachment


def attachment_remove(
    *, actor: User, cable_id: int, attachment_id: int, request: HttpRequest | None = None
) -> None:
    with transaction.atomic():
        cable = _locked(cable_id)
        if not may_see(actor, cable):
            raise _not_found()
        _require_editable(actor, cable)
        deleted, _rows = cable.attachments.filter(pk=attachment_id).delete()
        if not deleted:
            raise NotFoundError(_("No such attachment."))
        audit.record(
            actor=actor,
            action="cable.attachment_removed",
            target=cable,
            details={"attachment_id": attachment_id},
            request=request,
        )


def attachment_download(
    *, actor: User, cable: Cable, attachment_id: int, request: HttpRequest | None = None
) -> tuple[Attachment, bytes]:
    """The bytes of one attachment of a cable the actor may see (audited).
    Raises ApplicationError ``unreadable`` when it cannot be decrypted."""
    attachment = cable.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFoundError(_("No such attachment."))
    try:
        data = content.read_attachment(cable, attachment)
    except content.crypto.DecryptionError as exc:
        audit.record(
            actor=actor,
            action="cable.unreadable",
            target=cable,
            details={"attachment_id": attachment.pk},
            request=request,
        )
        raise ApplicationError(
            _("This attachment is unreadable: it was changed or its key is missing."),
            code="unreadable",
            status_code=409,
        ) from exc
    audit.record(
        actor=actor,
        action="cable.downloaded",
        target=cable,
        details={"attachment_id": attachment.pk, "size": attachment.size},
        request=request,
    )
    return attachment, data


# --- Clearing -------------------------------------------------------------------


def clearance_request(
    *, actor: User, cable_id: int, clearers: list[User], request: HttpRequest | None = None
) -> int:
    """Ask colleagues to clear a draft. They must be cleared for its level and
    work for the ministry; asking gives them need-to-know for this cable."""
    with transaction.atomic():
        cable = _locked(cable_id)
        if not may_see(actor, cable):
            raise _not_found()
        _require_editable(actor, cable)
        added = 0
        for clearer in clearers:
            if clearer.pk == actor.pk:
                raise ApplicationError(
                    _("You cannot clear your own draft."),
                    details={"clearers": [_("You cannot clear your own draft.")]},
                )
            if (
                not clearer.is_active
                or not policy.has_clearance(clearer, cable.classification)
                or not policy.can(clearer, "cables.draft")
            ):
                raise ApplicationError(
                    _("%(person)s cannot clear this cable (clearance or role).")
                    % {"person": clearer.display_name},
                    details={
                        "clearers": [
                            _("%(person)s cannot clear this cable (clearance or role).")
                            % {"person": clearer.display_name}
                        ]
                    },
                )
            _obj, created = Clearance.objects.get_or_create(
                cable=cable, clearer=clearer, defaults={"requested_by": actor}
            )
            added += int(created)
        audit.record(
            actor=actor,
            action="cable.clearance_requested",
            target=cable,
            details={"clearers": [c.pk for c in clearers]},
            request=request,
        )
    return added


def cable_clear(
    *, actor: User, cable_id: int, now: datetime | None = None, request: HttpRequest | None = None
) -> Clearance:
    """The actor clears a draft they were asked to clear."""
    with transaction.atomic():
        cable = _locked(cable_id)
        if not may_see(actor, cable):
            raise _not_found()
        if cable.status != CableStatus.DRAFT:
            raise ApplicationError(
                _("This cable has already been released."), code="already_released", status_code=409
            )
        clearance = cable.clearances.filter(clearer=actor).first()
        if clearance is None:
            raise PermissionDeniedError(_("You were not asked to clear this cable."))
        if clearance.status != ClearanceStatus.CLEARED:
            clearance.status = ClearanceStatus.CLEARED
            clearance.decided_at = current(now)
            clearance.save(update_fields=["status", "decided_at", "updated_at"])
            audit.record(actor=actor, action="cable.cleared", target=cable, request=request)
    return clearance


# --- Release --------------------------------------------------------------------


def _reference_prefix(unit: Unit) -> str:
    if unit.kind == UnitKind.HQ_DEPARTMENT:
        return "HQ"
    return unit.code.upper()


def _next_reference(unit: Unit, year: int) -> str:
    prefix = _reference_prefix(unit)
    counter, _created = ReferenceCounter.objects.select_for_update().get_or_create(
        prefix=prefix, year=year
    )
    ReferenceCounter.objects.filter(pk=counter.pk).update(last_number=F("last_number") + 1)
    counter.refresh_from_db(fields=["last_number"])
    return f"{prefix}-{year}-{counter.last_number:06d}"


def release_levels(user: User) -> dict[int, int]:
    """Unit id -> highest classification of the user's release-authority grants."""
    return dict(
        ReleaseAuthority.objects.filter(user=user).values_list("unit_id", "max_classification")
    )


def may_release(user: User, cable: Cable) -> bool:
    return policy.may_release_cable(
        user,
        unit_id=cable.drafting_unit_id,
        classification=cable.classification,
        granted_levels=release_levels(user),
    )


def cable_release(
    *, actor: User, cable_id: int, now: datetime | None = None, request: HttpRequest | None = None
) -> Cable:
    """Release a cleared draft: number it, sign it with the unit's key, put it in
    every addressee unit's inbox (one row per unit), start the handling clock.
    Refusals are audited."""
    moment = current(now).astimezone(UTC)
    try:
        with transaction.atomic():
            cable = _locked(cable_id)
            if not may_see(actor, cable):
                raise _not_found()
            if cable.status != CableStatus.DRAFT:
                raise ApplicationError(
                    _("This cable has already been released."),
                    code="already_released",
                    status_code=409,
                )
            _require_release_authority(actor, cable)
            pending = cable.clearances.filter(status=ClearanceStatus.PENDING).count()
            if pending:
                raise ApplicationError(
                    ngettext(
                        "%(count)d colleague has not cleared this draft yet.",
                        "%(count)d colleagues have not cleared this draft yet.",
                        pending,
                    )
                    % {"count": pending},
                    code="not_cleared",
                )
            deliveries = list(cable.deliveries.select_related("unit"))
            if not any(d.kind == AddresseeKind.ACTION for d in deliveries):
                raise ApplicationError(_("Choose at least one action addressee."))
            inactive = [d.unit for d in deliveries if not d.unit.is_active]
            if inactive:
                raise ApplicationError(
                    _("%(unit)s is not an active unit.") % {"unit": inactive[0].name}
                )
            try:
                subject = content.read_subject(cable)
                paragraphs = content.read_paragraphs(cable)
            except content.crypto.DecryptionError as exc:
                raise ApplicationError(
                    _("This draft is unreadable and cannot be released."), code="unreadable"
                ) from exc
            key = content.unit_key_get_or_create(cable.drafting_unit)
            cable.reference = _next_reference(cable.drafting_unit, moment.year)
            cable.status = CableStatus.RELEASED
            cable.released_at = moment
            cable.released_by = actor
            cable.signing_key = key
            cable.signature = content.unit_sign(
                key, content.canonical(cable, subject=subject, paragraphs=paragraphs)
            )
            cable.save()
            due = due_at(cable.precedence, moment)
            common = {
                "delivered_at": moment,
                "sender_unit_id": cable.drafting_unit_id,
                "classification": cable.classification,
                "precedence": cable.precedence,
                "tags_index": cable.tags_index,
                "addressee_only": cable.addressee_only,
                "action_only": cable.action_only,
                "ministry_only": cable.ministry_only,
                "due_at": due,
            }
            requires_ack = handling(cable.precedence).requires_ack
            cable.deliveries.filter(kind=AddresseeKind.ACTION).update(
                requires_ack=requires_ack, **common
            )
            cable.deliveries.filter(kind=AddresseeKind.INFO).update(requires_ack=False, **common)
            audit.record(
                actor=actor,
                action="cable.released",
                target=cable,
                details={
                    "classification": cable.classification,
                    "precedence": cable.precedence,
                    "addressees": len(deliveries),
                    "key": content.key_fingerprint(key),
                },
                request=request,
            )
            transaction.on_commit(functools.partial(_after_release, cable.pk, moment))
            search.queue_index(kind="cable", object_id=cable.pk)
    except ApplicationError as exc:
        if exc.code in {
            "already_released",
            "no_release_authority",
            "permission_denied",
            "not_found",
        }:
            refusal_record(
                actor=actor,
                action="cable.release_refused",
                reason=exc.code,
                details={"cable_id": cable_id},
                request=request,
            )
        raise
    return cable


def _after_release(cable_id: int, moment: datetime) -> None:
    from sifara.cables import tasks

    tasks.cable_released_task(cable_id, moment.isoformat())


def cable_recall(
    *, actor: User, cable_id: int, now: datetime | None = None, request: HttpRequest | None = None
) -> Cable:
    """Recall a released cable: it stays readable, shown as recalled; the
    handling clock stops. Needs release authority for the cable. Refusals of
    authority are audited."""
    try:
        with transaction.atomic():
            cable = _locked(cable_id)
            if not may_see(actor, cable):
                raise _not_found()
            if cable.status != CableStatus.RELEASED:
                raise ApplicationError(
                    _("Only a released cable can be recalled."),
                    code="not_released",
                    status_code=409,
                )
            _require_release_authority(actor, cable)
            cable.status = CableStatus.RECALLED
            cable.recalled_at = current(now)
            cable.recalled_by = actor
            cable.save(update_fields=["status", "recalled_at", "recalled_by", "updated_at"])
            audit.record(actor=actor, action="cable.recalled", target=cable, request=request)
            search.queue_index(kind="cable", object_id=cable.pk)
    except PermissionDeniedError as exc:
        refusal_record(
            actor=actor,
            action="cable.recall_refused",
            reason=exc.code,
            details={"cable_id": cable_id},
            request=request,
        )
        raise
    return cable


# --- Reading and acknowledging --------------------------------------------------


def cable_read(
    *,
    actor: User,
    cable: Cable,
    integrity: str,
    now: datetime | None = None,
    request: HttpRequest | None = None,
) -> None:
    """Record that ``actor`` opened a cable they may see: audited, and the first
    read of each of the actor's addressee units is noted for HQ."""
    moment = current(now)
    with transaction.atomic():
        Delivery.objects.filter(
            cable=cable,
            unit_id__in=policy.unit_ids(actor),
            delivered_at__isnull=False,
            first_read_at__isnull=True,
        ).update(first_read_at=moment)
        audit.record(
            actor=actor,
            action="cable.read",
            target=cable,
            details={"classification": cable.classification, "integrity": integrity},
            request=request,
        )


def cable_export_record(*, actor: User, cable: Cable, request: HttpRequest | None = None) -> None:
    audit.record(
        actor=actor,
        action="cable.exported",
        target=cable,
        details={"classification": cable.classification},
        request=request,
    )


def cable_acknowledge(
    *, actor: User, cable_id: int, now: datetime | None = None, request: HttpRequest | None = None
) -> list[Delivery]:
    """Acknowledge a released cable for each of the actor's addressee units.
    Idempotent: a second tap changes nothing and says so."""
    moment = current(now)
    with transaction.atomic():
        cable = _locked(cable_id)
        if not may_see(actor, cable):
            raise _not_found()
        if cable.status != CableStatus.RELEASED:
            raise ApplicationError(
                _("Only a released cable can be acknowledged."),
                code="not_released",
                status_code=409,
            )
        deliveries = [
            d
            for d in Delivery.objects.select_for_update().filter(
                cable=cable, unit_id__in=policy.unit_ids(actor), delivered_at__isnull=False
            )
            if policy.may_acknowledge_cable(actor, unit_id=d.unit_id)
        ]
        if not deliveries:
            raise PermissionDeniedError(
                _("Only members of an addressee unit can acknowledge this cable.")
            )
        acknowledged = []
        for delivery in deliveries:
            _ack, created = Acknowledgement.objects.get_or_create(
                delivery=delivery, user=actor, defaults={"acknowledged_at": moment}
            )
            if delivery.acknowledged_at is None:
                delivery.acknowledged_at = moment
                delivery.acknowledged_by = actor
                delivery.save(update_fields=["acknowledged_at", "acknowledged_by", "updated_at"])
            if created:
                acknowledged.append(delivery)
        if acknowledged:
            audit.record(
                actor=actor,
                action="cable.acknowledged",
                target=cable,
                details={"units": [d.unit_id for d in acknowledged]},
                request=request,
            )
    return deliveries


def cable_grant(
    *, actor: User, cable_id: int, user: User, request: HttpRequest | None = None
) -> CableGrant:
    """Give one person need-to-know for one cable. Only the drafting unit's
    release authorities may; the person still needs the clearance."""
    with transaction.atomic():
        cable = _locked(cable_id)
        if not may_see(actor, cable):
            raise _not_found()
        if not may_release(actor, cable):
            raise PermissionDeniedError(
                _("Only a release authority of the drafting unit may grant access.")
            )
        if not policy.has_clearance(user, cable.classification):
            raise ApplicationError(
                _("This person's clearance is below the cable's classification.")
            )
        grant, _created = CableGrant.objects.get_or_create(
            cable=cable, user=user, defaults={"granted_by": actor}
        )
        audit.record(
            actor=actor,
            action="cable.access_granted",
            target=cable,
            details={"user_id": user.pk},
            request=request,
        )
    return grant


# --- Release authority and duty rosters -----------------------------------------


def release_authority_grant(
    *,
    actor: User | None,
    user: User,
    unit: Unit,
    max_classification: int,
    actor_label: str | None = None,
) -> ReleaseAuthority:
    """Grant ``user`` release authority for ``unit`` up to ``max_classification``.
    ``actor`` None is an operator at the command line (``actor_label``)."""
    if actor is not None and not policy.may_grant_release_authority(actor, user):
        raise PermissionDeniedError(_("You do not have permission to do this."))
    if not Membership.objects.filter(user=user, unit=unit).exists():
        raise ApplicationError(_("Release authority is given only to members of the unit."))
    with transaction.atomic():
        authority, _created = ReleaseAuthority.objects.update_or_create(
            user=user, unit=unit, defaults={"max_classification": int(max_classification)}
        )
        audit.record(
            actor=actor,
            actor_label=actor_label,
            action="cable.release_authority_granted",
            target=user,
            details={"unit_id": unit.pk, "max_classification": int(max_classification)},
        )
    return authority


def duty_roster_set(
    *, actor: User | None, unit: Unit, users: list[User], actor_label: str | None = None
) -> None:
    """Replace ``unit``'s duty roster with ``users`` in order (position 1 first)."""
    if actor is not None and not policy.may_manage_cable_unit(actor, unit_id=unit.pk):
        raise PermissionDeniedError(_("You do not have permission to do this."))
    members = set(Membership.objects.filter(unit=unit).values_list("user_id", flat=True))
    outsiders = [u for u in users if u.pk not in members]
    if outsiders:
        raise ApplicationError(
            _("%(person)s is not a member of this unit.") % {"person": outsiders[0].display_name}
        )
    with transaction.atomic():
        DutyOfficer.objects.filter(unit=unit).delete()
        DutyOfficer.objects.bulk_create(
            [DutyOfficer(unit=unit, user=u, position=i + 1) for i, u in enumerate(users)]
        )
        audit.record(
            actor=actor,
            actor_label=actor_label,
            action="cable.duty_roster_set",
            target=unit,
            details={"users": [u.pk for u in users]},
        )


# --- Notifications ----------------------------------------------------------------


def _unit_readers(delivery: Delivery, facts: dict[str, Any]) -> list[User]:
    """Members of the delivery's unit who may read (and act on) it there."""
    users = (
        User.objects.filter(
            memberships__unit_id=delivery.unit_id,
            is_active=True,
            clearance__gte=delivery.classification,
        )
        .distinct()
        .order_by("pk")
    )
    return [
        u
        for u in users
        if policy.may_acknowledge_cable(u, unit_id=delivery.unit_id)
        and policy.may_see_cable(u, **facts)
    ]


def _duty_officers(unit_id: int, upto: int) -> list[User]:
    return [
        d.user
        for d in DutyOfficer.objects.select_related("user").filter(
            unit_id=unit_id, user__is_active=True
        )[: max(0, upto)]
    ]


def _notify(delivery: Delivery, users: Iterable[User], reason: str, moment: datetime) -> list[int]:
    seen: set[int] = set()
    rows = []
    for user in users:
        if user.pk in seen:
            continue
        seen.add(user.pk)
        rows.append(Notice(delivery=delivery, user=user, reason=reason, created_at=moment))
    created = Notice.objects.bulk_create(rows)
    return [n.pk for n in created if n.pk is not None] or list(
        Notice.objects.filter(delivery=delivery, created_at=moment, reason=reason).values_list(
            "pk", flat=True
        )
    )


def deliveries_notify_released(*, cable_id: int, now: datetime | None = None) -> int:
    """First notices after release: every reader in each addressee unit; for
    NIACT IMMEDIATE also the first duty officer ("wakes the duty officer")."""
    moment = current(now)
    cable = Cable.objects.filter(pk=cable_id, status=CableStatus.RELEASED).first()
    if cable is None:
        return 0
    facts = cable_facts(cable)
    wake = handling(cable.precedence).wake_duty_officer
    notice_ids: list[int] = []
    with transaction.atomic():
        for delivery in Delivery.objects.filter(
            cable=cable, notify_count=0, delivered_at__isnull=False
        ):
            users = _unit_readers(delivery, facts)
            if wake and delivery.kind == AddresseeKind.ACTION:
                users += _duty_officers(delivery.unit_id, 1)
            notice_ids += _notify(delivery, users, NoticeReason.DELIVERED, moment)
            Delivery.objects.filter(pk=delivery.pk).update(
                last_notified_at=moment, notify_count=F("notify_count") + 1
            )
    if notice_ids:
        transaction.on_commit(functools.partial(_push_later, notice_ids))
    return len(notice_ids)


def _push_later(notice_ids: list[int]) -> None:
    from sifara.cables import tasks

    tasks.push_notices_task(notice_ids)


@dataclass
class EscalationReport:
    reminded: int = 0
    escalated: int = 0
    notices: int = 0


def cables_escalate(*, now: datetime | None = None) -> EscalationReport:
    """The periodic sweep: FLASH and NIACT IMMEDIATE deliveries that no one in
    the action unit has acknowledged are re-notified every few minutes; once
    overdue, the unit's duty roster is notified, one more position each round,
    and (by e-mail) told only precedence, reference and sender."""
    moment = current(now)
    report = EscalationReport()
    shortest = min(h.renotify_every for h in HANDLING.values() if h.renotify_every is not None)
    pending = (
        Delivery.objects.filter(
            requires_ack=True,
            acknowledged_at__isnull=True,
            delivered_at__isnull=False,
            cable__status=CableStatus.RELEASED,
        )
        .filter(Q(last_notified_at__isnull=True) | Q(last_notified_at__lte=moment - shortest))
        .values_list("pk", flat=True)
    )
    for delivery_id in list(pending):
        with transaction.atomic():
            delivery = (
                Delivery.objects.select_for_update(of=("self",))
                .select_related("cable", "cable__drafting_unit", "unit")
                .filter(pk=delivery_id, acknowledged_at__isnull=True)
                .first()
            )
            if delivery is None or delivery.due_at is None:
                continue
            rules = handling(delivery.precedence)
            every = rules.renotify_every
            if every is None:
                continue
            if delivery.last_notified_at is not None and moment < delivery.last_notified_at + every:
                continue
            facts = cable_facts(delivery.cable)
            users = _unit_readers(delivery, facts)
            reason: str = NoticeReason.RENOTIFY
            officers: list[User] = []
            if moment >= delivery.due_at:
                roster_size = DutyOfficer.objects.filter(unit_id=delivery.unit_id).count()
                if roster_size:
                    delivery.escalation_level = min(delivery.escalation_level + 1, roster_size)
                    officers = _duty_officers(delivery.unit_id, delivery.escalation_level)
                    reason = NoticeReason.ESCALATED
                    if delivery.escalated_at is None:
                        delivery.escalated_at = moment
                    report.escalated += 1
                    audit.record(
                        actor=None,
                        actor_label="system",
                        action="cable.escalated",
                        target=delivery.cable,
                        details={"unit_id": delivery.unit_id, "level": delivery.escalation_level},
                    )
            if reason == NoticeReason.RENOTIFY:
                report.reminded += 1
            officer_ids = {o.pk for o in officers}
            ids = _notify(
                delivery,
                [u for u in users if u.pk not in officer_ids],
                NoticeReason.RENOTIFY,
                moment,
            )
            ids += _notify(delivery, officers, NoticeReason.ESCALATED, moment)
            report.notices += len(ids)
            delivery.last_notified_at = moment
            delivery.notify_count += 1
            delivery.save(
                update_fields=[
                    "last_notified_at",
                    "notify_count",
                    "escalation_level",
                    "escalated_at",
                    "updated_at",
                ]
            )
            if ids:
                transaction.on_commit(functools.partial(_push_later, ids))
            if officers:
                emails = [(o.email, o.preferred_language) for o in officers if o.email]
                transaction.on_commit(
                    functools.partial(_mail_escalation, emails, notice_text(delivery.cable))
                )
    return report


def notice_text(cable: Cable) -> dict[str, str]:
    """The only things a notification may say: precedence, reference, sender."""
    return {
        "precedence": precedence_code(cable.precedence),
        "reference": cable.reference or "",
        "sender_en": cable.drafting_unit.name_en,
        "sender_ar": cable.drafting_unit.name_ar,
    }


def _mail_escalation(recipients: list[tuple[str, str]], text: dict[str, str]) -> None:
    from django.utils import translation

    for email, language in recipients:
        with translation.override(language or settings.LANGUAGE_CODE):
            sender = text["sender_ar"] if (language or "ar") == "ar" else text["sender_en"]
            subject = _("%(precedence)s %(reference)s from %(sender)s: not yet acknowledged") % {
                **text,
                "sender": sender,
            }
            body = _(
                "You are on the duty roster. Cable %(reference)s (%(precedence)s) from "
                "%(sender)s has not been acknowledged in time. Sign in to Sifara to read "
                "and acknowledge it."
            ) % {**text, "sender": sender}
        try:
            send_mail(subject, body, None, [email], fail_silently=False)
        except Exception:
            logger.exception("escalation e-mail could not be sent")


# --- Web Push -------------------------------------------------------------------


def push_subscription_save(
    *, user: User, endpoint: str, p256dh: str, auth: str
) -> PushSubscription:
    if not endpoint.startswith("https://") or len(endpoint) > 1000 or not p256dh or not auth:
        raise ApplicationError(_("This browser's push subscription is not valid."))
    if len(p256dh) > 200 or len(auth) > 100:
        raise ApplicationError(_("This browser's push subscription is not valid."))
    with transaction.atomic():
        subscription, _created = PushSubscription.objects.update_or_create(
            endpoint=endpoint,
            defaults={"user": user, "p256dh": p256dh, "auth": auth, "failures": 0},
        )
        audit.record(actor=user, action="cable.push_subscribed", details={"id": subscription.pk})
    return subscription


def push_subscription_delete(*, user: User, endpoint: str) -> int:
    deleted, _rows = PushSubscription.objects.filter(user=user, endpoint=endpoint).delete()
    return deleted


def push_payload(cable: Cable, language: str) -> dict[str, str]:
    text = notice_text(cable)
    return {
        "precedence": text["precedence"],
        "reference": text["reference"],
        "sender": text["sender_ar"] if language == "ar" else text["sender_en"],
    }


def push_notices(*, notice_ids: list[int], sender: Any = None) -> int:
    """Send Web Push for notices not yet pushed. ``sender`` defaults to
    pywebpush.webpush (tests pass a fake: it is an outside service)."""
    from sifara.cables import push

    key = push.vapid()
    if key is None:
        return 0
    send = sender or push.send
    sent = 0
    notices = Notice.objects.filter(pk__in=notice_ids, pushed=False).select_related(
        "delivery__cable__drafting_unit", "user"
    )
    for notice in notices:
        payload = push_payload(notice.delivery.cable, notice.user.preferred_language)
        for subscription in PushSubscription.objects.filter(user=notice.user):
            ok, gone = send(subscription, payload, key)
            if ok:
                sent += 1
                PushSubscription.objects.filter(pk=subscription.pk).update(
                    last_success_at=current(None), failures=0
                )
            elif gone:
                subscription.delete()
            else:
                PushSubscription.objects.filter(pk=subscription.pk).update(
                    failures=F("failures") + 1
                )
        Notice.objects.filter(pk=notice.pk).update(pushed=True)
    logger.info("push: %d messages sent for %d notices", sent, len(notice_ids))
    return sent
