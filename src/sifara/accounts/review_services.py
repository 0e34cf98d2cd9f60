"""Writes of the impersonation radar's review side: screening candidates into
the review queue, confirming or dismissing them, and following takedown cases
with their evidence.

Rules kept here (and nowhere else):

* only a *flagged* screen (score at or above the radar's threshold) is stored;
* a candidate dismissed earlier comes back only when what was screened changed
  (its :func:`fingerprint`); confirmed candidates stay confirmed;
* every write requires ``accounts.review`` (digital officers and
  administrators) when made by a person, and is audited.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import logging
import threading
import unicodedata
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, BinaryIO

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from sifara import audit
from sifara.accounts.handles import HandleError, canonicalise
from sifara.accounts.models import (
    AccountStatus,
    Candidate,
    CandidateSource,
    CandidateStatus,
    DismissReason,
    OfficialAccount,
    Platform,
    TakedownCase,
    TakedownEvidence,
    TakedownStatus,
)
from sifara.accounts.radar import CandidateInput, OfficialEntry, ScreenResult
from sifara.core import policy
from sifara.core.errors import ApplicationError

if TYPE_CHECKING:
    from sifara.accounts.radar.engine import RegistryIndex
    from sifara.directory.models import User

logger = logging.getLogger(__name__)

#: Registry statuses the radar protects (suspended and retired accounts are not imitated targets).
SCREENED_STATUSES = (AccountStatus.DOCUMENTED, AccountStatus.PENDING)
MAX_DISPLAY_NAME = 300
MAX_BIO = 5000
MAX_URL = 500
MAX_AVATAR_BYTES = 5 * 1024 * 1024
MAX_EVIDENCE_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
EVIDENCE_IMAGE_FORMATS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}


# --- permissions ----------------------------------------------------------------


# --- the registry index, cached per process --------------------------------------


_index_lock = threading.Lock()
_index_cache: dict[str, Any] = {"version": None, "index": None}


def registry_version() -> str:
    """Changes whenever an official account is added, edited or removed."""
    agg = OfficialAccount.objects.aggregate(n=Count("id"), latest=Max("updated_at"), top=Max("id"))
    latest = agg["latest"].isoformat() if agg["latest"] else "-"
    return f"{agg['n']}:{agg['top'] or 0}:{latest}"


def registry_entries() -> list[OfficialEntry]:
    """The registry as the radar sees it (documented and pending accounts)."""
    rows = (
        OfficialAccount.objects.filter(status__in=SCREENED_STATUSES)
        .select_related("platform")
        .order_by("pk")
    )
    return [
        OfficialEntry(
            account_id=row.pk,
            platform=row.platform.code,
            handle=row.handle,
            display_name_ar=row.display_name_ar,
            display_name_en=row.display_name_en,
            bio=row.bio,
            website=row.website,
            avatar_phash=row.profile_image_phash,
        )
        for row in rows
    ]


def registry_index() -> RegistryIndex:
    """The radar's index of the registry, rebuilt only when the registry changed."""
    from sifara.accounts.radar.engine import RegistryIndex

    version = registry_version()
    with _index_lock:
        if _index_cache["version"] == version and _index_cache["index"] is not None:
            index: RegistryIndex = _index_cache["index"]
            return index
        index = RegistryIndex(registry_entries())
        _index_cache["version"], _index_cache["index"] = version, index
        return index


def registry_index_forget() -> None:
    """Drop the cached index (tests, or after a bulk change made outside the ORM)."""
    with _index_lock:
        _index_cache["version"], _index_cache["index"] = None, None


# --- inputs ---------------------------------------------------------------------


def _read_limited(file: Any, limit: int) -> bytes:
    if isinstance(file, bytes | bytearray):
        data = bytes(file)
    else:
        if hasattr(file, "seek"):
            with contextlib.suppress(OSError, ValueError):
                file.seek(0)
        data = file.read(limit + 1)
    if len(data) > limit:
        raise ApplicationError(
            _("The file is too large (at most %(mb)s MB).") % {"mb": limit // (1024 * 1024)}
        )
    if not data:
        raise ApplicationError(_("The file is empty."))
    return data


def _open_image(data: bytes) -> Any:
    """A fully decoded Pillow image, or ``None`` when ``data`` is not an image
    (or an absurdly large one: decompression bombs are refused)."""
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.width * probe.height > MAX_PIXELS:
                    return None
                probe.verify()
            image = Image.open(io.BytesIO(data))
            image.load()
    except Exception:  # Pillow raises many kinds for broken or hostile files
        return None
    return image


def image_phash(file: BinaryIO | bytes) -> str:
    """Perceptual hash (hex) of a profile picture; a clear error for anything else."""
    from sifara.accounts.radar.images import phash_image

    data = _read_limited(file, MAX_AVATAR_BYTES)
    image = _open_image(data)
    if image is None:
        raise ApplicationError(
            _("The profile picture is not an image Sifara can read (use PNG, JPEG, WebP or GIF)."),
            details={"avatar": [_("Not a readable image.")]},
        )
    return phash_image(image.convert("RGB"))


def _normalise(text: str) -> str:
    value = unicodedata.normalize("NFKC", text or "").casefold()
    return " ".join(value.split())


def fingerprint(candidate: CandidateInput) -> str:
    """sha256 of what was screened, normalised (case, width, spacing).

    Follower counts are left out on purpose: they change every day, and a
    dismissed account must not come back just because it gained followers.
    """
    payload = [
        candidate.platform,
        candidate.handle.lower(),
        _normalise(candidate.display_name),
        _normalise(candidate.bio),
        _normalise(candidate.url).rstrip("/"),
        candidate.avatar_phash.lower(),
        candidate.created.isoformat() if candidate.created else "",
    ]
    encoded = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    return hashlib.sha256(encoded).hexdigest()


def _configured_domains() -> dict[str, str]:
    domains: dict[str, str] = {}
    for platform in Platform.objects.filter(is_active=True):
        for domain in platform.domains or []:
            domains[str(domain).lower()] = platform.code
    return domains


def _platform(value: Platform | str) -> Platform:
    if isinstance(value, Platform):
        return value
    try:
        return Platform.objects.get(code=str(value).strip().lower(), is_active=True)
    except Platform.DoesNotExist as exc:
        raise ApplicationError(
            _("“%(value)s” is not a platform Sifara knows.") % {"value": str(value)[:40]},
            details={"platform": [_("Unknown platform.")]},
        ) from exc


def _check_text(value: str, limit: int, field: str) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise ApplicationError(
            _("This text is too long (at most %(n)s characters).") % {"n": limit},
            details={field: [_("Too long.")]},
        )
    return value


def _check_url(value: str) -> str:
    value = _check_text(value, MAX_URL, "url")
    if value:
        try:
            URLValidator(schemes=["http", "https"])(value)
        except ValidationError as exc:
            raise ApplicationError(
                _("Enter a full web address starting with https://."),
                details={"url": [_("Not a valid web address.")]},
            ) from exc
    return value


# --- storing screen results --------------------------------------------------------


@dataclass
class StoreOutcome:
    """What happened to one screened account."""

    #: "queued" (new), "requeued" (was dismissed, changed), "updated" (pending,
    #: content changed), "rescored" (pending, same content), "kept_dismissed",
    #: "kept_confirmed", "official" (the account *is* in the registry),
    #: "not_flagged".
    outcome: str
    candidate: Candidate | None
    score: float


def _reasons_json(result: ScreenResult) -> list[dict[str, Any]]:
    return [
        {
            "code": reason.code,
            "en": reason.message_en,
            "ar": reason.message_ar,
            "weight": round(float(reason.weight), 4),
        }
        for reason in sorted(result.reasons, key=lambda r: -float(r.weight))
    ]


def _matched_account(result: ScreenResult) -> OfficialAccount | None:
    if result.matched is None:
        return None
    return OfficialAccount.objects.filter(pk=result.matched.account_id).first()


def _score(result: ScreenResult) -> float:
    return min(1.0, max(0.0, round(float(result.score), 4)))


def _apply(
    candidate: Candidate,
    inp: CandidateInput,
    result: ScreenResult,
    platform: Platform,
    source: str,
    print_: str,
) -> None:
    candidate.platform = platform
    candidate.handle = inp.handle[:120]
    candidate.display_name = (inp.display_name or "")[:MAX_DISPLAY_NAME]
    candidate.bio = (inp.bio or "")[:MAX_BIO]
    candidate.url = (inp.url or "")[:MAX_URL]
    candidate.avatar_phash = (inp.avatar_phash or "")[:32]
    candidate.followers = inp.followers if inp.followers is None or inp.followers >= 0 else None
    candidate.account_created_on = inp.created
    candidate.source = source
    candidate.score = _score(result)
    candidate.reasons = _reasons_json(result)
    candidate.matched_account = _matched_account(result)
    candidate.fingerprint = print_


def _audit_queued(
    actor: User | None, candidate: Candidate, outcome: str, source: str, request: Any = None
) -> None:
    audit.record(
        actor=actor,
        action="accounts.candidate_queued",
        target=candidate,
        details={
            "outcome": outcome,
            "source": source,
            "score": candidate.score,
            "matched_account": candidate.matched_account_id,
            "reasons": [r["code"] for r in candidate.reasons],
        },
        request=request,
        actor_label=None if actor is not None else "radar",
    )


def _store_one(
    *,
    inp: CandidateInput,
    result: ScreenResult,
    platform: Platform,
    source: str,
    actor: User | None,
    request: Any = None,
) -> StoreOutcome:
    score = _score(result)
    if OfficialAccount.objects.filter(
        platform=platform, handle=inp.handle, status__in=SCREENED_STATUSES
    ).exists():
        return StoreOutcome("official", None, score)
    print_ = fingerprint(inp)
    with transaction.atomic():
        existing = (
            Candidate.objects.select_for_update()
            .filter(platform=platform, handle=inp.handle)
            .first()
        )
        if existing is not None and existing.status == CandidateStatus.CONFIRMED:
            return StoreOutcome("kept_confirmed", existing, score)
        if (
            existing is not None
            and existing.status == CandidateStatus.DISMISSED
            and (existing.fingerprint == print_ or not result.flagged)
        ):
            return StoreOutcome("kept_dismissed", existing, score)
        if not result.flagged:
            return StoreOutcome("not_flagged", existing, score)
        if existing is None:
            candidate = Candidate(status=CandidateStatus.PENDING)
            _apply(candidate, inp, result, platform, source, print_)
            try:
                with transaction.atomic():
                    candidate.save()
            except IntegrityError:
                # Another worker queued the same account a moment ago: store as an update.
                return _store_one(
                    inp=inp,
                    result=result,
                    platform=platform,
                    source=source,
                    actor=actor,
                    request=request,
                )
            _audit_queued(actor, candidate, "queued", source, request)
            return StoreOutcome("queued", candidate, score)
        candidate = existing
        if candidate.status == CandidateStatus.DISMISSED:
            outcome = "requeued"
            candidate.status = CandidateStatus.PENDING
            candidate.dismiss_reason = ""
            candidate.reviewed_by = None
            candidate.reviewed_at = None
            candidate.review_note = ""
        else:
            outcome = "rescored" if candidate.fingerprint == print_ else "updated"
        _apply(candidate, inp, result, platform, source, print_)
        candidate.save()
        if outcome != "rescored":
            _audit_queued(actor, candidate, outcome, source, request)
        return StoreOutcome(outcome, candidate, score)


def candidate_screen_outcome(
    *,
    actor: User | None,
    platform: Platform | str,
    handle: str,
    display_name: str = "",
    bio: str = "",
    url: str = "",
    avatar_file: BinaryIO | bytes | None = None,
    followers: int | None = None,
    created: date | None = None,
    source: str = CandidateSource.MANUAL,
    request: Any = None,
) -> StoreOutcome:
    """Screen one account and store it when flagged; says what happened.

    ``actor`` is ``None`` for automated sources (listening); a person must hold
    ``accounts.review``.
    """
    if actor is not None:
        policy.require(actor, "accounts.review")
    if source not in CandidateSource.values:
        raise ApplicationError(_("Unknown candidate source."))
    chosen = _platform(platform)
    try:
        canonical = canonicalise(handle, platform=chosen.code, domains=_configured_domains())
    except HandleError as exc:
        raise ApplicationError(exc.message, details={"handle": [exc.message]}) from exc
    if canonical.platform not in (None, chosen.code):
        raise ApplicationError(
            _("This link is for another platform than the one chosen."),
            details={"handle": [_("This link is for another platform than the one chosen.")]},
        )
    if followers is not None and followers < 0:
        raise ApplicationError(
            _("The number of followers cannot be negative."),
            details={"followers": [_("Cannot be negative.")]},
        )
    if created is not None and created > timezone.localdate():
        raise ApplicationError(
            _("The account's creation date cannot be in the future."),
            details={"created": [_("Cannot be in the future.")]},
        )
    inp = CandidateInput(
        platform=chosen.code,
        handle=canonical.handle,
        display_name=_check_text(display_name, MAX_DISPLAY_NAME, "display_name"),
        bio=_check_text(bio, MAX_BIO, "bio"),
        url=_check_url(url),
        avatar_phash=image_phash(avatar_file) if avatar_file is not None else "",
        followers=followers,
        created=created,
    )
    result = registry_index().screen(inp)
    return _store_one(
        inp=inp, result=result, platform=chosen, source=source, actor=actor, request=request
    )


def candidate_screen(
    *,
    actor: User | None,
    platform: Platform | str,
    handle: str,
    display_name: str = "",
    bio: str = "",
    url: str = "",
    avatar_file: BinaryIO | bytes | None = None,
    followers: int | None = None,
    created: date | None = None,
    source: str = CandidateSource.MANUAL,
) -> Candidate | None:
    """Screen one account; the stored candidate when flagged (or already
    reviewed), ``None`` when it is not similar to any official account."""
    outcome = candidate_screen_outcome(
        actor=actor,
        platform=platform,
        handle=handle,
        display_name=display_name,
        bio=bio,
        url=url,
        avatar_file=avatar_file,
        followers=followers,
        created=created,
        source=source,
    )
    if outcome.outcome in {"not_flagged", "official"}:
        return None
    return outcome.candidate


def candidates_store_screened(
    *,
    results: Iterable[tuple[CandidateInput, ScreenResult]],
    source: str = CandidateSource.CSV,
    actor: User | None = None,
) -> dict[str, int]:
    """Store already-screened candidates (the ``sifara accounts screen`` CLI)
    under the same rules as :func:`candidate_screen`. Returns counts per outcome
    plus ``screened`` and ``flagged``; rows naming an unknown platform are
    counted as ``skipped``."""
    if actor is not None:
        policy.require(actor, "accounts.review")
    counts: dict[str, int] = {"screened": 0, "flagged": 0, "skipped": 0}
    platforms = {p.code: p for p in Platform.objects.all()}
    for inp, result in results:
        counts["screened"] += 1
        if result.flagged:
            counts["flagged"] += 1
        platform = platforms.get(inp.platform)
        if platform is None or not inp.handle:
            counts["skipped"] += 1
            continue
        outcome = _store_one(inp=inp, result=result, platform=platform, source=source, actor=actor)
        counts[outcome.outcome] = counts.get(outcome.outcome, 0) + 1
    return counts


def _input_of(candidate: Candidate) -> CandidateInput:
    return CandidateInput(
        platform=candidate.platform.code,
        handle=candidate.handle,
        display_name=candidate.display_name,
        bio=candidate.bio,
        url=candidate.url,
        avatar_phash=candidate.avatar_phash,
        followers=candidate.followers,
        created=candidate.account_created_on,
    )


def candidates_rescreen_pending(*, batch_size: int = 500) -> dict[str, int]:
    """Score every pending candidate again against the current registry.

    Still flagged: score, reasons and matched account are refreshed. No longer
    flagged (the imitated account was retired, or the candidate has itself been
    documented as official): the unreviewed row leaves the queue (audited).
    Idempotent.
    """
    index = registry_index()
    counts = {"rescreened": 0, "cleared": 0}
    ids = list(
        Candidate.objects.filter(status=CandidateStatus.PENDING).values_list("pk", flat=True)
    )
    for start in range(0, len(ids), batch_size):
        for candidate in Candidate.objects.filter(
            pk__in=ids[start : start + batch_size], status=CandidateStatus.PENDING
        ).select_related("platform"):
            inp = _input_of(candidate)
            result = index.screen(inp)
            official = OfficialAccount.objects.filter(
                platform=candidate.platform,
                handle=candidate.handle,
                status__in=SCREENED_STATUSES,
            ).exists()
            with transaction.atomic():
                if official or not result.flagged:
                    audit.record(
                        actor=None,
                        actor_label="radar",
                        action="accounts.candidate_cleared",
                        target=candidate,
                        details={"score": _score(result), "official": official},
                    )
                    candidate.delete()
                    counts["cleared"] += 1
                    continue
                candidate.score = _score(result)
                candidate.reasons = _reasons_json(result)
                candidate.matched_account = _matched_account(result)
                candidate.save(update_fields=["score", "reasons", "matched_account", "updated_at"])
                counts["rescreened"] += 1
    return counts


RESCREENED_VERSION_KEY = "sifara:accounts:radar:rescreened-registry-version"


def candidates_rescreen_if_registry_changed() -> dict[str, int] | None:
    """Re-screen the pending queue once per registry version (the periodic
    task); ``None`` when the registry has not changed since the last run."""
    from django.core.cache import cache

    version = registry_version()
    if cache.get(RESCREENED_VERSION_KEY) == version:
        return None
    counts = candidates_rescreen_pending()
    cache.set(RESCREENED_VERSION_KEY, version, timeout=None)
    return counts


# --- review decisions ------------------------------------------------------------


def candidate_confirm(
    *, actor: User, candidate: Candidate, note: str = "", request: Any = None
) -> TakedownCase:
    """Confirm an impersonator and open its takedown case."""
    policy.require(actor, "accounts.review")
    note = _check_text(note, 2000, "note")
    with transaction.atomic():
        candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
        if candidate.status == CandidateStatus.CONFIRMED:
            raise ApplicationError(_("This account is already confirmed as an impersonator."))
        previous = candidate.status
        candidate.status = CandidateStatus.CONFIRMED
        candidate.dismiss_reason = ""
        candidate.reviewed_by = actor
        candidate.reviewed_at = timezone.now()
        candidate.review_note = note
        candidate.save()
        case, _created = TakedownCase.objects.get_or_create(
            candidate=candidate, defaults={"status": TakedownStatus.OPEN}
        )
        audit.record(
            actor=actor,
            action="accounts.candidate_confirmed",
            target=candidate,
            details={"from": previous, "takedown_case": case.pk, "score": candidate.score},
            request=request,
        )
    return case


def candidate_dismiss(
    *,
    actor: User,
    candidate: Candidate,
    reason: str,
    note: str = "",
    request: Any = None,
) -> Candidate:
    """Dismiss a candidate (parody, fan, unrelated): it stays out of the queue
    until what is screened about it changes."""
    policy.require(actor, "accounts.review")
    if reason not in DismissReason.values:
        raise ApplicationError(
            _("Choose why this account is dismissed."),
            details={"reason": [_("Choose a reason.")]},
        )
    note = _check_text(note, 2000, "note")
    with transaction.atomic():
        candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
        if candidate.status == CandidateStatus.CONFIRMED:
            raise ApplicationError(
                _("A confirmed impersonator cannot be dismissed; close its takedown case instead.")
            )
        previous = candidate.status
        candidate.status = CandidateStatus.DISMISSED
        candidate.dismiss_reason = reason
        candidate.reviewed_by = actor
        candidate.reviewed_at = timezone.now()
        candidate.review_note = note
        candidate.save()
        audit.record(
            actor=actor,
            action="accounts.candidate_dismissed",
            target=candidate,
            details={"from": previous, "reason": reason, "score": candidate.score},
            request=request,
        )
    return candidate


# --- takedown cases -----------------------------------------------------------------

#: status -> the statuses a case may move to (staying put edits notes and references).
TRANSITIONS: dict[str, frozenset[str]] = {
    TakedownStatus.OPEN: frozenset(
        {
            TakedownStatus.OPEN,
            TakedownStatus.REPORTED,
            TakedownStatus.REMOVED,
            TakedownStatus.CLOSED,
        }
    ),
    TakedownStatus.REPORTED: frozenset(
        {TakedownStatus.REPORTED, TakedownStatus.REMOVED, TakedownStatus.CLOSED}
    ),
    TakedownStatus.REMOVED: frozenset({TakedownStatus.REMOVED}),
    TakedownStatus.CLOSED: frozenset({TakedownStatus.CLOSED, TakedownStatus.OPEN}),
}


def takedown_update(
    *,
    actor: User,
    case: TakedownCase,
    status: str,
    reported_on: date | None = None,
    platform_reference: str = "",
    removed_on: date | None = None,
    notes: str = "",
    request: Any = None,
) -> TakedownCase:
    """Move a takedown case along open → reported → removed (or closed)."""
    policy.require(actor, "accounts.review")
    if status not in TakedownStatus.values:
        raise ApplicationError(_("Unknown status."), details={"status": [_("Unknown status.")]})
    platform_reference = _check_text(platform_reference, 200, "platform_reference")
    notes = _check_text(notes, 5000, "notes")
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    with transaction.atomic():
        case = TakedownCase.objects.select_for_update().select_related("candidate").get(pk=case.pk)
        previous = case.status
        if status not in TRANSITIONS[previous]:
            raise ApplicationError(
                _("A case that is “%(current)s” cannot become “%(new)s”.")
                % {
                    "current": TakedownStatus(previous).label,
                    "new": TakedownStatus(status).label,
                },
                details={"status": [_("Not allowed from the current status.")]},
            )
        if status == TakedownStatus.OPEN:
            reported_on, removed_on = None, None
        if status == TakedownStatus.REPORTED:
            removed_on = None
            if reported_on is None:
                errors["reported_on"] = [_("Enter the date the account was reported.")]
        if status == TakedownStatus.REMOVED and removed_on is None:
            errors["removed_on"] = [_("Enter the date the platform removed the account.")]
        if reported_on is not None and reported_on > today:
            errors.setdefault("reported_on", []).append(_("Cannot be in the future."))
        if removed_on is not None and removed_on > today:
            errors.setdefault("removed_on", []).append(_("Cannot be in the future."))
        if reported_on and removed_on and removed_on < reported_on:
            errors.setdefault("removed_on", []).append(
                _("The account cannot be removed before it was reported.")
            )
        if errors:
            raise ApplicationError(_("Please correct the highlighted fields."), details=errors)
        case.status = status
        case.reported_on = reported_on
        case.platform_reference = platform_reference
        case.removed_on = removed_on
        case.notes = notes
        case.save()
        audit.record(
            actor=actor,
            action="accounts.takedown_updated",
            target=case,
            details={
                "from": previous,
                "to": status,
                "reported_on": reported_on,
                "removed_on": removed_on,
                "platform_reference": platform_reference,
            },
            request=request,
        )
    return case


def _evidence_kind(data: bytes) -> str:
    """File extension for an accepted evidence file; a clear error otherwise."""
    if data.startswith(b"%PDF-"):
        if b"%%EOF" not in data[-2048:]:
            raise ApplicationError(
                _("This PDF file is damaged or incomplete."),
                details={"file": [_("Damaged PDF.")]},
            )
        return "pdf"
    image = _open_image(data)
    if image is None or image.format not in EVIDENCE_IMAGE_FORMATS:
        raise ApplicationError(
            _("Evidence must be a screenshot (PNG, JPEG or WebP) or a PDF document."),
            details={"file": [_("Not a PNG, JPEG, WebP or PDF file.")]},
        )
    return EVIDENCE_IMAGE_FORMATS[image.format]


def _safe_stem(name: str) -> str:
    stem = PurePath(name or "evidence").stem
    cleaned = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_") else "-" for ch in stem)
    return cleaned.strip("-")[:60] or "evidence"


def evidence_add(
    *,
    actor: User,
    case: TakedownCase,
    file: Any,
    caption: str = "",
    captured_at: datetime | None = None,
    request: Any = None,
) -> TakedownEvidence:
    """Attach a screenshot (PNG/JPEG/WebP) or a PDF of up to 5 MB to a case."""
    policy.require(actor, "accounts.review")
    caption = _check_text(caption, 300, "caption")
    if captured_at is not None:
        if timezone.is_naive(captured_at):
            captured_at = timezone.make_aware(captured_at)
        if captured_at > timezone.now() + timedelta(minutes=5):
            raise ApplicationError(
                _("The capture time cannot be in the future."),
                details={"captured_at": [_("Cannot be in the future.")]},
            )
    if file is None:
        raise ApplicationError(_("Choose a file."), details={"file": [_("Choose a file.")]})
    data = _read_limited(file, MAX_EVIDENCE_BYTES)
    extension = _evidence_kind(data)
    digest = hashlib.sha256(data).hexdigest()
    name = f"{_safe_stem(getattr(file, 'name', '') or '')}.{extension}"
    evidence = TakedownEvidence(case=case, caption=caption, captured_at=captured_at, sha256=digest)
    evidence.file.save(name, ContentFile(data), save=False)
    stored_name = evidence.file.name
    # The file is written first; should the transaction fail it is removed again.
    try:
        with transaction.atomic():
            evidence.save()
            audit.record(
                actor=actor,
                action="accounts.evidence_added",
                target=case,
                details={
                    "evidence": evidence.pk,
                    "sha256": digest,
                    "bytes": len(data),
                    "type": extension,
                },
                request=request,
            )
    except Exception:
        evidence.file.storage.delete(stored_name)
        raise
    return evidence
