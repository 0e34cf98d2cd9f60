"""Writes to the archive of agreements. Every write is checked against
:mod:`sifara.core.policy` and audited in the same transaction; text extraction,
search indexing and e-mails wait for the commit."""

from __future__ import annotations

import functools
import hashlib
import logging
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sifara import audit
from sifara.archive.extract import FileRefusedError, extract, inspect
from sifara.archive.models import (
    LIVE_STATUSES,
    Agreement,
    AgreementParty,
    AgreementRelation,
    AgreementStatus,
    AgreementType,
    ArchiveFile,
    Extraction,
    FileRole,
    PartyAction,
    PartyActionKind,
    RelationKind,
    Reminder,
    ReminderKind,
    Topic,
)
from sifara.core import crypto, policy
from sifara.core.errors import ApplicationError, PermissionDeniedError
from sifara.core.models import Classification
from sifara.directory.models import Country, Membership, Unit, UnitKind, User

logger = logging.getLogger(__name__)

#: Fields set through create/update besides the relations.
AGREEMENT_FIELDS = (
    "reference",
    "kind",
    "title_ar",
    "title_en",
    "summary_ar",
    "summary_en",
    "is_multilateral",
    "classification",
    "place_en",
    "place_ar",
    "signed_on",
    "signatories",
    "authentic_languages",
    "ratified_on",
    "entry_into_force",
    "duration_years",
    "expires_on",
    "auto_renewal",
    "renewal_period_years",
    "notice_days",
    "status",
    "depositary",
    "un_registration",
)
LANGUAGE_CODES = frozenset(
    {"ar", "en", "fr", "es", "ru", "zh", "de", "it", "pt", "tr", "fa", "ur", "ja", "ko", "id"}
)
UN_REGISTRATION = re.compile(r"^\s*(I{1,2})\s*[:\-]\s*(\d{1,7})\s*$", re.IGNORECASE)
#: Characters of file text put into the search index per agreement.
MAX_INDEXED_TEXT = 2_000_000


def _today() -> date:
    return timezone.localdate()


def _require_edit(actor: User | None) -> None:
    if actor is not None and not policy.may_edit_archive(actor):
        raise PermissionDeniedError(_("Only the treaties department records agreements."))


def normalise_un_registration(value: str) -> str:
    """ "i : 33521" -> "I:33521"; raise :class:`ApplicationError` on another format."""
    value = (value or "").strip()
    if not value:
        return ""
    match = UN_REGISTRATION.match(value)
    if match is None:
        message = _(
            "Write the UN registration number as in the Treaty Series, e.g. I:33521 or II:965."
        )
        raise ApplicationError(message, details={"un_registration": [message]})
    return f"{match.group(1).upper()}:{int(match.group(2))}"


def _check_dates(agreement: Agreement) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    signed, force, expires = agreement.signed_on, agreement.entry_into_force, agreement.expires_on
    if signed and force and force < signed:
        errors.setdefault("entry_into_force", []).append(
            _("Entry into force cannot be before the date of signature.")
        )
    if signed and agreement.ratified_on and agreement.ratified_on < signed:
        errors.setdefault("ratified_on", []).append(
            _("Ratification cannot be before the date of signature.")
        )
    if expires and ((force and expires < force) or (signed and expires < signed)):
        errors.setdefault("expires_on", []).append(
            _("The expiry date must come after signature and entry into force.")
        )
    if agreement.notice_days and not expires:
        errors.setdefault("notice_days", []).append(
            _("A notice period needs an expiry date to count back from.")
        )
    if agreement.auto_renewal and not expires:
        errors.setdefault("auto_renewal", []).append(
            _("An automatically renewed agreement needs an expiry date.")
        )
    if agreement.status in (AgreementStatus.SIGNED, AgreementStatus.IN_FORCE) and not signed:
        errors.setdefault("signed_on", []).append(
            _("A signed agreement needs its date of signature.")
        )
    return errors


def _validate(agreement: Agreement) -> None:
    errors: dict[str, list[str]] = {}
    if agreement.kind not in AgreementType.values:
        errors["kind"] = [_("Choose a type.")]
    if agreement.status not in AgreementStatus.values:
        errors["status"] = [_("Choose a status.")]
    if int(agreement.classification) not in Classification.values:
        errors["classification"] = [_("Choose a classification.")]
    if not (agreement.title_ar.strip() or agreement.title_en.strip()):
        errors["title_ar"] = [_("Give the title in Arabic, English or both.")]
    languages = [str(code).strip().lower() for code in agreement.authentic_languages or []]
    unknown = [code for code in languages if code not in LANGUAGE_CODES]
    if unknown:
        errors["authentic_languages"] = [
            _("Unknown language code: %(codes)s.") % {"codes": ", ".join(unknown)}
        ]
    agreement.authentic_languages = sorted(set(languages))
    for field, messages in _check_dates(agreement).items():
        errors.setdefault(field, []).extend(messages)
    try:
        agreement.un_registration = normalise_un_registration(agreement.un_registration)
    except ApplicationError as exc:
        errors.update(exc.details)
    if agreement.un_registration:
        clash = Agreement.objects.filter(un_registration=agreement.un_registration).exclude(
            pk=agreement.pk
        )
        if clash.exists():
            errors["un_registration"] = [
                _("Another agreement already has UN registration number %(number)s.")
                % {"number": agreement.un_registration}
            ]
    agreement.reference = (agreement.reference or "").strip()
    if agreement.reference and (
        Agreement.objects.filter(reference=agreement.reference).exclude(pk=agreement.pk).exists()
    ):
        errors["reference"] = [
            _("Another agreement already has the reference %(reference)s.")
            % {"reference": agreement.reference}
        ]
    if errors:
        raise ApplicationError(_("Please correct the highlighted fields."), details=errors)


def _default_owner(actor: User | None) -> Unit:
    codes = policy.archive_treaties_units()
    if actor is not None:
        for membership in policy.memberships(actor):
            if membership.unit.code in codes:
                return membership.unit
    unit = Unit.objects.filter(code__in=codes).order_by("code").first()
    if unit is None:
        raise ApplicationError(
            _("No treaties department is configured (SIFARA_ARCHIVE_TREATIES_UNITS).")
        )
    return unit


def _set_relations(
    agreement: Agreement,
    *,
    ministries: Iterable[Unit] | None,
    topics: Iterable[Topic] | None,
    countries: Iterable[Country] | None,
    organisations: Sequence[tuple[str, str]] | None,
    granted_users: Iterable[User] | None,
) -> None:
    if ministries is not None:
        ministry_list = list(ministries)
        wrong = [u for u in ministry_list if u.kind != UnitKind.PARTNER_MINISTRY]
        if wrong:
            raise ApplicationError(
                _("Responsible ministries must be partner ministries of the directory."),
                details={"ministries": [_("Choose partner ministries only.")]},
            )
        agreement.ministries.set(ministry_list)
    if topics is not None:
        agreement.topics.set(list(topics))
    if granted_users is not None:
        agreement.granted_users.set(list(granted_users))
    if countries is not None:
        wanted = {c.code for c in countries}
        agreement.parties.filter(country__isnull=False).exclude(country_id__in=wanted).delete()
        have = set(
            agreement.parties.filter(country__isnull=False).values_list("country_id", flat=True)
        )
        for code in sorted(wanted - have):
            AgreementParty.objects.create(agreement=agreement, country_id=code)
    if organisations is not None:
        cleaned = [(en.strip(), ar.strip()) for en, ar in organisations if en.strip() or ar.strip()]
        keep = set()
        for en, ar in cleaned:
            party = agreement.parties.filter(
                country__isnull=True, organisation_en=en, organisation_ar=ar
            ).first()
            if party is None:
                party = AgreementParty.objects.create(
                    agreement=agreement, organisation_en=en, organisation_ar=ar
                )
            keep.add(party.pk)
        agreement.parties.filter(country__isnull=True).exclude(pk__in=keep).delete()
    if not agreement.is_multilateral and agreement.parties.count() > 1:
        raise ApplicationError(
            _("A bilateral agreement has one other party. Mark it multilateral to add more."),
            details={"countries": [_("A bilateral agreement has one other party.")]},
        )


def _fill_expiry(agreement: Agreement) -> None:
    """With a duration and no expiry date, expiry = entry into force + duration."""
    if agreement.expires_on or not agreement.duration_years:
        return
    start = agreement.entry_into_force or agreement.signed_on
    if start is None:
        return
    try:
        agreement.expires_on = start.replace(year=start.year + agreement.duration_years)
    except ValueError:  # 29 February
        agreement.expires_on = start.replace(year=start.year + agreement.duration_years, day=28)


def _queue_index(agreement_id: int) -> None:
    """Re-index the agreement after the commit (the provider is registered in apps.py)."""
    from sifara.core import search

    search.queue_index(kind="agreement", object_id=agreement_id)


def agreement_create(
    *,
    actor: User | None,
    actor_label: str | None = None,
    owner_unit: Unit | None = None,
    ministries: Iterable[Unit] = (),
    topics: Iterable[Topic] = (),
    countries: Iterable[Country] = (),
    organisations: Sequence[tuple[str, str]] = (),
    granted_users: Iterable[User] = (),
    **fields: Any,
) -> Agreement:
    """Record an agreement. ``actor`` None is the operator's CLI (``actor_label``)."""
    _require_edit(actor)
    unknown = set(fields) - set(AGREEMENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown agreement fields: {sorted(unknown)}")
    agreement = Agreement(
        owner_unit=owner_unit or _default_owner(actor),
        created_by=actor,
        **fields,
    )
    _fill_expiry(agreement)
    _validate(agreement)
    try:
        with transaction.atomic():
            agreement.save()
            _set_relations(
                agreement,
                ministries=ministries,
                topics=topics,
                countries=countries,
                organisations=organisations,
                granted_users=granted_users,
            )
            audit.record(
                actor=actor,
                actor_label=actor_label,
                action="archive.agreement_created",
                target=agreement,
                details={"classification": int(agreement.classification), "kind": agreement.kind},
            )
    except IntegrityError as exc:
        raise ApplicationError(_("This agreement conflicts with an existing one.")) from exc
    _queue_index(agreement.pk)
    return agreement


def agreement_update(
    *,
    actor: User | None,
    agreement: Agreement,
    actor_label: str | None = None,
    ministries: Iterable[Unit] | None = None,
    topics: Iterable[Topic] | None = None,
    countries: Iterable[Country] | None = None,
    organisations: Sequence[tuple[str, str]] | None = None,
    granted_users: Iterable[User] | None = None,
    **fields: Any,
) -> Agreement:
    """Change an agreement. Raising its classification encrypts its files."""
    _require_edit(actor)
    unknown = set(fields) - set(AGREEMENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown agreement fields: {sorted(unknown)}")
    before = {name: getattr(agreement, name) for name in fields}
    for name, value in fields.items():
        setattr(agreement, name, value)
    _fill_expiry(agreement)
    _validate(agreement)
    changed = sorted(name for name in fields if before[name] != getattr(agreement, name))
    try:
        with transaction.atomic():
            agreement.save()
            _set_relations(
                agreement,
                ministries=ministries,
                topics=topics,
                countries=countries,
                organisations=organisations,
                granted_users=granted_users,
            )
            raised = 0
            for archive_file in agreement.files.filter(classification__lt=agreement.classification):
                _reclassify_file(archive_file, int(agreement.classification))
                raised += 1
            audit.record(
                actor=actor,
                actor_label=actor_label,
                action="archive.agreement_updated",
                target=agreement,
                details={
                    "fields": changed,
                    "classification": int(agreement.classification),
                    "files_reclassified": raised,
                },
            )
    except IntegrityError as exc:
        raise ApplicationError(_("This agreement conflicts with an existing one.")) from exc
    _queue_index(agreement.pk)
    return agreement


def agreement_reindex(*, agreement: Agreement) -> None:
    """Queue one re-index of the agreement (after a bulk import of its files)."""
    _queue_index(agreement.pk)


def agreement_viewed(*, actor: User, agreement: Agreement, request: HttpRequest | None) -> None:
    """Audit a read of a classified agreement (unclassified reads are not recorded)."""
    if agreement.is_classified:
        audit.record(
            actor=actor,
            action="archive.agreement_viewed",
            target=agreement,
            details={"classification": int(agreement.classification)},
            request=request,
        )


def party_action_add(
    *, actor: User, party: AgreementParty, action: str, on: date, note: str = ""
) -> PartyAction:
    _require_edit(actor)
    if action not in PartyActionKind.values:
        raise ApplicationError(_("Choose an action."), details={"action": [_("Choose an action.")]})
    signed = party.agreement.signed_on
    if (
        action in (PartyActionKind.RATIFICATION, PartyActionKind.WITHDRAWAL)
        and signed
        and on < signed
    ):
        message = _("This action cannot be before the agreement was signed.")
        raise ApplicationError(message, details={"on": [message]})
    with transaction.atomic():
        item = PartyAction.objects.create(party=party, action=action, on=on, note=note.strip())
        audit.record(
            actor=actor,
            action="archive.party_action_added",
            target=party.agreement,
            details={"party": party.pk, "action": action},
        )
    return item


def relation_add(
    *, actor: User, source: Agreement, target: Agreement, kind: str
) -> AgreementRelation:
    _require_edit(actor)
    if kind not in RelationKind.values:
        raise ApplicationError(_("Choose a relation."), details={"kind": [_("Choose a relation.")]})
    if source.pk == target.pk:
        message = _("An agreement cannot be related to itself.")
        raise ApplicationError(message, details={"target": [message]})
    try:
        with transaction.atomic():
            relation = AgreementRelation.objects.create(source=source, target=target, kind=kind)
            audit.record(
                actor=actor,
                action="archive.relation_added",
                target=source,
                details={"target": target.pk, "kind": kind},
            )
    except IntegrityError as exc:
        raise ApplicationError(_("These agreements are already related this way.")) from exc
    return relation


def topic_save(
    *, actor: User, code: str, name_en: str, name_ar: str, is_active: bool = True
) -> Topic:
    """Create or change a topic of the taxonomy."""
    if not policy.may_manage_archive_topics(actor):
        raise PermissionDeniedError(_("You do not have permission to do this."))
    code = code.strip().lower()
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,39}", code):
        message = _("Use lower-case letters, digits and hyphens.")
        raise ApplicationError(message, details={"code": [message]})
    if not name_en.strip() or not name_ar.strip():
        message = _("Give the name in both languages.")
        raise ApplicationError(message, details={"name_ar": [message]})
    with transaction.atomic():
        topic, created = Topic.objects.update_or_create(
            code=code,
            defaults={
                "name_en": name_en.strip(),
                "name_ar": name_ar.strip(),
                "is_active": is_active,
            },
        )
        audit.record(
            actor=actor,
            action="archive.topic_created" if created else "archive.topic_updated",
            target=topic,
            details={"code": code},
        )
    return topic


# --- Files ------------------------------------------------------------------------


def _context(archive_file: ArchiveFile, part: str) -> bytes:
    return f"archive.file:{archive_file.pk}:{part}".encode()


def _store_blob(archive_file: ArchiveFile, data: bytes) -> None:
    if archive_file.data_key is not None:
        data = crypto.encrypt(
            data, key=archive_file.data_key, context=_context(archive_file, "content")
        )
    archive_file.blob.save(f"{uuid.uuid4().hex}.bin", ContentFile(data), save=False)


def file_content(*, archive_file: ArchiveFile) -> bytes:
    """The original bytes (decrypted). Callers check visibility first."""
    with archive_file.blob.open("rb") as handle:
        data = handle.read()
    if archive_file.data_key is not None:
        data = crypto.decrypt(
            data, key=archive_file.data_key, context=_context(archive_file, "content")
        )
    return data


def file_text(*, archive_file: ArchiveFile) -> str:
    """The extracted text (decrypted). Callers check visibility first."""
    if archive_file.data_key is not None and archive_file.text_encrypted:
        return crypto.decrypt_text(
            bytes(archive_file.text_encrypted),
            key=archive_file.data_key,
            context=_context(archive_file, "text"),
        )
    return archive_file.text


def _set_text(archive_file: ArchiveFile, text: str) -> None:
    if archive_file.data_key is not None:
        archive_file.text = ""
        archive_file.text_encrypted = (
            crypto.encrypt_text(
                text, key=archive_file.data_key, context=_context(archive_file, "text")
            )
            if text
            else None
        )
    else:
        archive_file.text = text
        archive_file.text_encrypted = None


def _reclassify_file(archive_file: ArchiveFile, classification: int) -> None:
    """Raise a file's classification; encrypt it if it was stored in clear."""
    if archive_file.data_key is None and classification > 0:
        data = file_content(archive_file=archive_file)
        text = file_text(archive_file=archive_file)
        old_name = archive_file.blob.name
        archive_file.data_key = crypto.new_data_key(purpose="archive.file")
        _store_blob(archive_file, data)
        _set_text(archive_file, text)
        storage = archive_file.blob.storage
        transaction.on_commit(lambda: storage.delete(old_name))
    archive_file.classification = classification
    archive_file.save()


def file_attach(
    *,
    actor: User | None,
    agreement: Agreement,
    name: str,
    data: bytes,
    role: str = FileRole.SIGNED_TEXT,
    language: str = "",
    classification: int | None = None,
    actor_label: str | None = None,
    extract_later: bool = True,
    reindex: bool = True,
) -> ArchiveFile:
    """Attach a file. Refused files raise :class:`FileRefusedError` (nothing stored).

    The file is classified at least as high as its agreement; above
    UNCLASSIFIED it is encrypted with its own data key. Text extraction runs
    in the background after the commit (``extract_later``) or at once. With
    ``reindex=False`` (the bulk import) the caller re-indexes the agreement
    once after its files, instead of once per file.
    """
    _require_edit(actor)
    if role not in FileRole.values:
        raise ApplicationError(
            _("Choose what the document is."), details={"role": [_("Choose what the document is.")]}
        )
    language = (language or "").strip().lower()
    if language and language not in LANGUAGE_CODES:
        message = _("Unknown language code: %(codes)s.") % {"codes": language}
        raise ApplicationError(message, details={"language": [message]})
    name = (name or "file").replace("\\", "/").rsplit("/", 1)[-1][:255] or "file"
    inspected = inspect(name=name, data=data)
    digest = hashlib.sha256(data).hexdigest()
    if agreement.files.filter(sha256=digest).exists():
        raise FileRefusedError(
            _("This file is already attached to the agreement."), code="duplicate_file"
        )
    level = max(int(classification or 0), int(agreement.classification))
    with transaction.atomic():
        archive_file = ArchiveFile(
            agreement=agreement,
            role=role,
            language=language,
            classification=level,
            original_name=name,
            file_format=inspected.file_format,
            size=len(data),
            sha256=digest,
            page_count=inspected.page_count,
            uploaded_by=actor,
            data_key=crypto.new_data_key(purpose="archive.file") if level > 0 else None,
        )
        archive_file.blob.name = ""
        archive_file.save()
        _store_blob(archive_file, data)
        archive_file.save(update_fields=["blob"])
        audit.record(
            actor=actor,
            actor_label=actor_label,
            action="archive.file_attached",
            target=agreement,
            details={
                "file": archive_file.pk,
                "role": role,
                "format": inspected.file_format,
                "size": len(data),
                "classification": level,
                "encrypted": archive_file.data_key_id is not None,
            },
        )
        if extract_later:
            from sifara.archive import tasks

            file_id = archive_file.pk
            transaction.on_commit(lambda: tasks.archive_extract_file(file_id))
    if not extract_later:
        file_extract(file_id=archive_file.pk, reindex=reindex)
        archive_file.refresh_from_db()
    return archive_file


def file_extract(*, file_id: int, reindex: bool = True) -> ArchiveFile | None:
    """Extract (or OCR) a file's text and re-index its agreement. Idempotent;
    a missing file is ignored (it may have been removed meanwhile)."""
    archive_file = ArchiveFile.objects.select_related("data_key").filter(pk=file_id).first()
    if archive_file is None:
        return None
    try:
        data = file_content(archive_file=archive_file)
        result = extract(data=data, file_format=archive_file.file_format)
    except FileRefusedError as exc:
        archive_file.extraction = Extraction.FAILED
        archive_file.extraction_note = str(exc.message)[:300]
        archive_file.save(update_fields=["extraction", "extraction_note", "updated_at"])
        return archive_file
    except (OSError, crypto.DecryptionError) as exc:
        logger.warning("archive file %s unreadable: %s", file_id, type(exc).__name__)
        archive_file.extraction = Extraction.FAILED
        archive_file.extraction_note = _("The stored file could not be read.")
        archive_file.save(update_fields=["extraction", "extraction_note", "updated_at"])
        return archive_file
    with transaction.atomic():
        _set_text(archive_file, result.text)
        archive_file.extraction = result.status
        archive_file.extraction_note = str(result.note)[:300]
        if result.page_count is not None:
            archive_file.page_count = result.page_count
        if not archive_file.language and result.language:
            archive_file.language = result.language
        archive_file.save()
        if reindex:
            _queue_index(archive_file.agreement_id)
    return archive_file


def files_reextract(*, everything: bool = False) -> int:
    """Extract the text again of files waiting for it, scanned without OCR or
    failed (or of every file): after installing Tesseract, say. Returns the count."""
    files = ArchiveFile.objects.order_by("pk")
    if not everything:
        files = files.filter(
            extraction__in=[Extraction.PENDING, Extraction.NEEDS_OCR, Extraction.FAILED]
        )
    count = 0
    for file_id in files.values_list("pk", flat=True).iterator():
        file_extract(file_id=file_id)
        count += 1
    return count


def file_downloaded(
    *, actor: User, archive_file: ArchiveFile, request: HttpRequest | None
) -> bytes:
    """The file's bytes for a download; every download is audited."""
    data = file_content(archive_file=archive_file)
    audit.record(
        actor=actor,
        action="archive.file_downloaded",
        target=archive_file.agreement,
        details={
            "file": archive_file.pk,
            "classification": int(archive_file.classification),
            "size": archive_file.size,
        },
        request=request,
    )
    return data


def file_text_viewed(*, actor: User, archive_file: ArchiveFile, request: HttpRequest | None) -> str:
    """The extracted text for the text page; reading a classified file's text is audited."""
    if archive_file.classification:
        audit.record(
            actor=actor,
            action="archive.file_text_viewed",
            target=archive_file.agreement,
            details={"file": archive_file.pk, "classification": int(archive_file.classification)},
            request=request,
        )
    return file_text(archive_file=archive_file)


# --- Search index -----------------------------------------------------------------


def _bilingual(obj: Any, field: str) -> list[str]:
    return [v for v in (getattr(obj, f"{field}_ar", ""), getattr(obj, f"{field}_en", "")) if v]


def agreement_document(agreement: Agreement) -> Any:
    """The search document of an agreement.

    Metadata of every agreement is indexed (it is stored in clear anyway);
    file text only from UNCLASSIFIED files of UNCLASSIFIED agreements, so the
    index never holds text that is encrypted at rest (decision 0018).
    """
    from sifara.core.search import Document

    parties = list(agreement.parties.select_related("country"))
    ministries = list(agreement.ministries.all())
    topics = list(agreement.topics.all())
    # Summaries and texts first (snippets come from there), then the metadata.
    parts: list[str] = [*_bilingual(agreement, "summary")]
    if not agreement.is_classified:
        budget = MAX_INDEXED_TEXT
        for archive_file in agreement.files.filter(classification=0).order_by("id"):
            if budget <= 0:
                break
            chunk = archive_file.text[:budget]
            parts.append(chunk)
            budget -= len(chunk)
    parts += [
        *_bilingual(agreement, "place"),
        agreement.signatories,
        agreement.depositary,
    ]
    for party in parties:
        if party.country is not None:
            parts += [party.country.name_ar, party.country.name_en]
        parts += [party.organisation_ar, party.organisation_en]
    for unit in ministries:
        parts += [unit.name_ar, unit.name_en]
    for topic in topics:
        parts += [topic.name_ar, topic.name_en]
    labels = []
    for language in ("ar", "en"):
        with translation.override(language):
            labels.append(str(AgreementType(agreement.kind).label))
    parts += sorted(set(labels))
    parts += [agreement.reference, agreement.un_registration]
    facets: dict[str, list[str]] = {
        "country": sorted({p.country_id for p in parties if p.country_id}),
        "ministry": sorted(u.code for u in ministries),
        "topic": sorted(t.code for t in topics),
        "type": [agreement.kind],
        "status": [agreement.status],
        "year": [str(agreement.signed_on.year)] if agreement.signed_on else [],
    }
    return Document(
        kind="agreement",
        object_id=agreement.pk,
        title=" — ".join(_bilingual(agreement, "title")),
        body="\n".join(p for p in parts if p),
        language="",
        facets=facets,
    )


def agreement_search_document(agreement_id: int) -> Any:
    """The search provider of kind "agreement" (None: gone, remove it)."""
    agreement = Agreement.objects.filter(pk=agreement_id).first()
    return agreement_document(agreement) if agreement is not None else None


def agreements_reindex() -> int:
    """Rebuild the archive's part of the index (``sifara archive reindex``)."""
    from sifara.core import search

    search.clear(kind="agreement")
    agreements = Agreement.objects.order_by("pk").iterator(chunk_size=200)
    return search.index_many(agreement_document(a) for a in agreements)


# --- Export -----------------------------------------------------------------------


def agreements_exported(
    *,
    actor: User | None,
    count: int,
    fmt: str,
    request: HttpRequest | None = None,
    actor_label: str | None = None,
) -> None:
    """Every export is audited (the rows were selected by the selector)."""
    audit.record(
        actor=actor,
        actor_label=actor_label,
        action="archive.exported",
        details={"format": fmt, "count": count},
        request=request,
    )


# --- Deadlines and reminders --------------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    agreement: Agreement
    kind: str
    due_on: date

    @property
    def days_left(self) -> int:
        return (self.due_on - _today()).days


def deadlines_of(agreement: Agreement) -> list[tuple[str, date]]:
    out: list[tuple[str, date]] = []
    if agreement.expires_on:
        out.append((ReminderKind.EXPIRY, agreement.expires_on))
    if agreement.notice_deadline:
        out.append((ReminderKind.NOTICE, agreement.notice_deadline))
    return out


def lead_times() -> list[int]:
    return sorted({int(d) for d in settings.SIFARA_ARCHIVE_REMINDER_DAYS if int(d) >= 0})


def reminder_recipients(agreement: Agreement) -> list[User]:
    """The treaties department and the responsible ministries' liaisons who may
    see the agreement."""
    codes = policy.archive_treaties_units()
    ministry_ids = list(agreement.ministries.values_list("pk", flat=True))
    granted = list(agreement.granted_users.values_list("pk", flat=True))
    treaties = Membership.objects.filter(unit__is_active=True, unit__code__in=codes)
    liaisons = Membership.objects.filter(
        unit_id__in=ministry_ids, role=policy.LIAISON, unit__is_active=True
    )
    candidates = (
        User.objects.filter(is_active=True)
        .filter(Q(pk__in=treaties.values("user_id")) | Q(pk__in=liaisons.values("user_id")))
        .order_by("pk")
    )
    return [
        user
        for user in candidates
        if policy.may_see_agreement(
            user,
            classification=agreement.classification,
            owner_unit_id=agreement.owner_unit_id,
            ministry_unit_ids=ministry_ids,
            granted_user_ids=granted,
        )
    ]


def reminders_send(*, today: date | None = None) -> int:
    """Send the reminders that fall due ``today``. For each deadline (expiry,
    renewal-notice deadline) of a live agreement, the smallest configured lead
    time already reached is reminded once (a unique row per agreement,
    deadline and lead time): re-running the same day, or a missed day, never
    sends twice. Returns the number of reminders sent."""
    today = today or _today()
    leads = lead_times()
    if not leads:
        return 0
    candidates = Agreement.objects.filter(status__in=LIVE_STATUSES, expires_on__gte=today).order_by(
        "pk"
    )
    sent = 0
    for agreement in candidates:
        for kind, due_on in deadlines_of(agreement):
            days_left = (due_on - today).days
            if days_left < 0:
                continue
            reached = [lead for lead in leads if days_left <= lead]
            if not reached:
                continue
            lead = min(reached)
            with transaction.atomic():
                reminder, created = Reminder.objects.get_or_create(
                    agreement=agreement,
                    kind=kind,
                    due_on=due_on,
                    lead_days=lead,
                    defaults={"sent_on": today},
                )
                if not created:
                    continue
                recipients = reminder_recipients(agreement)
                reminder.recipients = len(recipients)
                reminder.save(update_fields=["recipients"])
                audit.record(
                    actor=None,
                    actor_label="system",
                    action="archive.reminder_sent",
                    target=agreement,
                    details={
                        "kind": kind,
                        "lead_days": lead,
                        "days_left": days_left,
                        "recipients": len(recipients),
                    },
                )
                mails = [(u.email, u.preferred_language) for u in recipients if u.email]
                transaction.on_commit(
                    functools.partial(
                        _send_reminder_mails, agreement.pk, kind, due_on, days_left, mails
                    )
                )
            sent += 1
    return sent


def _send_reminder_mails(
    agreement_id: int, kind: str, due_on: date, days_left: int, mails: list[tuple[str, str]]
) -> None:
    """E-mails name the agreement only when it is UNCLASSIFIED."""
    agreement = Agreement.objects.filter(pk=agreement_id).first()
    if agreement is None:
        return
    for email, language in mails:
        with translation.override(language or settings.LANGUAGE_CODE):
            label = (
                agreement.title
                if not agreement.is_classified
                else _("Agreement #%(id)s (classified: open Sifara to read it)")
                % {"id": agreement.pk}
            )
            values = {"label": label, "date": due_on.isoformat(), "days": days_left}
            subject = _("[Sifara] Agreement deadline in %(days)s days") % {"days": days_left}
            if kind == ReminderKind.EXPIRY:
                body = (
                    _(
                        "%(label)s expires on %(date)s (in %(days)s days).\n\n"
                        "See the archive's deadlines page in Sifara."
                    )
                    % values
                )
            else:
                body = (
                    _(
                        "%(label)s reaches its renewal-notice deadline on %(date)s "
                        "(in %(days)s days).\n\nSee the archive's deadlines page in Sifara."
                    )
                    % values
                )
        try:
            send_mail(subject, body, None, [email], fail_silently=False)
        except Exception as exc:  # one bad address must not stop the others
            logger.warning("archive reminder e-mail failed: %s", type(exc).__name__)


def renewals_roll(*, today: date | None = None) -> int:
    """Automatically renewed agreements whose expiry has passed get their next
    term; others in force past their expiry become expired. Returns changes."""
    today = today or _today()
    changed = 0
    due = Agreement.objects.filter(status__in=LIVE_STATUSES, expires_on__lt=today).order_by("pk")
    for agreement in due:
        with transaction.atomic():
            locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
            if locked.expires_on is None or locked.expires_on >= today:
                continue
            if locked.auto_renewal and locked.renewal_period_years:
                while locked.expires_on < today:
                    expires = locked.expires_on
                    try:
                        locked.expires_on = expires.replace(
                            year=expires.year + locked.renewal_period_years
                        )
                    except ValueError:
                        locked.expires_on = expires.replace(
                            year=expires.year + locked.renewal_period_years, day=28
                        )
                action = "archive.agreement_renewed"
            else:
                locked.status = AgreementStatus.EXPIRED
                action = "archive.agreement_expired"
            locked.save(update_fields=["expires_on", "status", "updated_at"])
            audit.record(
                actor=None,
                actor_label="system",
                action=action,
                target=locked,
                details={"expires_on": locked.expires_on},
            )
            _queue_index(locked.pk)
        changed += 1
    return changed
