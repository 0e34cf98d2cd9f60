"""Pages of the cables module (thin: selectors read, services write)."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sifara.cables import content, push, selectors, services
from sifara.cables.forms import (
    AttachmentForm,
    CableForm,
    ClearersForm,
    FilterForm,
    ParagraphFormSet,
)
from sifara.cables.models import Cable, CableStatus
from sifara.cables.tags import SUBJECT_TAGS
from sifara.core import policy
from sifara.core.errors import ApplicationError, NotFoundError
from sifara.core.forms import apply_application_error
from sifara.core.pages import paginate
from sifara.core.types import AuthenticatedHttpRequest
from sifara.directory.models import Membership, Unit, User


def _require_view(request: AuthenticatedHttpRequest) -> None:
    policy.require(request.user, "cables.view")


def _common(request: AuthenticatedHttpRequest, tab: str) -> dict[str, Any]:
    user = request.user
    return {
        "tab": tab,
        "can_draft": policy.can(user, "cables.draft"),
        "to_clear": selectors.clearances_pending_for_user(user=user).count(),
        "vapid_public_key": push.public_key_b64(),
        "hq_timezone": settings.SIFARA_HQ_TIMEZONE,
    }


def _rows(items: Any) -> list[dict[str, Any]]:
    """Inbox/list rows: the cable with its subject decrypted (or None = unreadable)."""
    rows = []
    detail = reverse("cables:detail", args=[1]).rsplit("1/", 1)[0]
    for item in items:
        cable = item.cable if hasattr(item, "cable") else item
        rows.append(
            {
                "item": item,
                "cable": cable,
                "url": f"{detail}{cable.pk}/",
                "subject": content.subject_or_none(cable),
                "sender_tz": selectors.unit_timezone(cable.drafting_unit),
                "sender_place": cable.drafting_unit.city or _("Headquarters"),
            }
        )
    return rows


# --- Inbox --------------------------------------------------------------------------

INBOX_PAGE = 25
MAX_PAGE = 4000


def _page_without_count(
    request: AuthenticatedHttpRequest, items: Any
) -> tuple[int, list[Any], bool]:
    """A page of an inbox without counting it (an inbox may hold 100,000 cables):
    one row more than a page tells whether there is a next one."""
    try:
        page = max(1, min(int(request.GET.get("page") or 1), MAX_PAGE))
    except ValueError:
        page = 1
    start = (page - 1) * INBOX_PAGE
    rows = list(items[start : start + INBOX_PAGE + 1])
    return page, rows[:INBOX_PAGE], len(rows) > INBOX_PAGE


@login_required
def inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A unit's inbox; refreshes itself (HTMX polling) so new cables appear within seconds."""
    _require_view(request)
    units = selectors.inbox_units_for_user(user=request.user)
    context = _common(request, "inbox")
    if not units:
        context.update({"units": [], "unit": None})
        return render(request, "cables/inbox.html", context)
    try:
        unit_id = int(request.GET.get("unit") or units[0].pk)
    except ValueError:
        unit_id = units[0].pk
    unit = next((u for u in units if u.pk == unit_id), None)
    if unit is None:
        raise NotFoundError(_("No such inbox."))
    form = FilterForm(request.GET or None)
    deliveries = selectors.inbox_for_user(
        user=request.user, unit_id=unit.pk, filters=form.filters()
    )
    page, rows, has_next = _page_without_count(request, deliveries)
    query = request.GET.copy()
    query["unit"] = str(unit.pk)
    context.update(
        {
            "poll_url": f"{reverse('cables:inbox')}?{query.urlencode()}",
            "units": units,
            "unit": unit,
            "unit_tz": selectors.unit_timezone(unit),
            "unit_place": unit.city or _("Headquarters"),
            "can_acknowledge": policy.may_acknowledge_cable(request.user, unit_id=unit.pk),
            "form": form,
            "page": page,
            "has_next": has_next,
            "has_previous": page > 1,
            "rows": _rows(rows),
            "poll_seconds": settings.SIFARA_CABLE_INBOX_POLL_SECONDS,
            "subject_tags": SUBJECT_TAGS,
        }
    )
    if request.htmx:
        return render(request, "cables/partials/inbox_table.html", context)
    return render(request, "cables/inbox.html", context)


@login_required
def drafts(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_view(request)
    page_obj = paginate(request, selectors.drafts_for_user(user=request.user))
    context = _common(request, "drafts")
    context.update(
        {
            "page_obj": page_obj,
            "rows": _rows(page_obj.object_list),
            "clearances": _rows(
                c.cable for c in selectors.clearances_pending_for_user(user=request.user)
            ),
        }
    )
    return render(request, "cables/drafts.html", context)


@login_required
def sent(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_view(request)
    form = FilterForm(request.GET or None)
    page_obj = paginate(request, selectors.sent_for_user(user=request.user, filters=form.filters()))
    context = _common(request, "sent")
    context.update({"form": form, "page_obj": page_obj, "rows": _rows(page_obj.object_list)})
    if request.htmx:
        return render(request, "cables/partials/sent_table.html", context)
    return render(request, "cables/sent.html", context)


@login_required
def search(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_view(request)
    form = FilterForm(request.GET or None)
    query = (form.cleaned_data.get("q") or "") if form.is_valid() else ""
    try:
        page = max(1, min(int(request.GET.get("page") or 1), 400))
    except ValueError:
        page = 1
    per_page = 25
    results = selectors.cable_search_for_user(
        user=request.user,
        query=query,
        filters=form.filters(),
        limit=per_page,
        offset=(page - 1) * per_page,
    )
    context = _common(request, "search")
    context.update(
        {
            "form": form,
            "query": query,
            "rows": _rows(results.cables),
            "total": results.total,
            "page": page,
            "has_next": page * per_page < results.total,
            "has_previous": page > 1,
            "searched": bool(request.GET),
        }
    )
    if request.htmx:
        return render(request, "cables/partials/search_results.html", context)
    return render(request, "cables/search.html", context)


# --- Drafting -----------------------------------------------------------------------


def _draft_units(user: User) -> QuerySet[Unit]:
    ids = [
        u.pk
        for u in selectors.inbox_units_for_user(user=user)
        if policy.may_draft_cable(user, unit_id=u.pk)
    ]
    return Unit.objects.filter(pk__in=ids)


def _addressees() -> QuerySet[Unit]:
    return Unit.objects.filter(is_active=True).order_by("kind", "name_en")


def _references(user: User, codes: list[str]) -> list[Cable]:
    if not codes:
        return []
    found = {
        c.reference: c
        for c in selectors.cable_list_for_user(user=user)
        .exclude(status=CableStatus.DRAFT)
        .filter(reference__in=codes)
    }
    missing = [code for code in codes if code not in found]
    if missing:
        raise ApplicationError(
            _("A referenced cable does not exist or is not visible to you."),
            details={"references": [_("Unknown reference: %(ref)s") % {"ref": missing[0]}]},
        )
    return [found[code] for code in codes]


def _paragraph_formset(request: AuthenticatedHttpRequest, initial: list[dict[str, Any]]) -> Any:
    if request.method == "POST":
        return ParagraphFormSet(request.POST, prefix="p")
    rows = [*initial, {"mark": initial[-1]["mark"] if initial else 0, "text": ""}]
    while len(rows) < 3:
        rows.append({"mark": rows[-1]["mark"], "text": ""})
    return ParagraphFormSet(prefix="p", initial=rows)


def _save_draft(
    request: AuthenticatedHttpRequest, form: CableForm, formset: Any, cable: Cable | None
) -> Cable | None:
    if not (form.is_valid() and formset.is_valid()):
        return None
    data = form.cleaned_data
    try:
        fields = services.DraftFields(
            subject=data["subject"],
            paragraphs=[
                {"mark": f.cleaned_data.get("mark", 0), "text": f.cleaned_data.get("text") or ""}
                for f in formset.forms
                if f.cleaned_data
            ],
            classification=data["classification"],
            precedence=data["precedence"],
            tags=data["tags"],
            captions=list(data.get("captions") or []),
            action_units=list(data.get("action_units") or []),
            info_units=list(data.get("info_units") or []),
            references=_references(request.user, data.get("references") or []),
        )
        if cable is None:
            reply_to = None
            if data.get("reply_to"):
                reply_to = Cable.objects.filter(pk=data["reply_to"]).first()
                if reply_to is None:
                    raise NotFoundError(_("No such cable."))
            return services.cable_draft_create(
                actor=request.user,
                drafting_unit=data["drafting_unit"],
                fields=fields,
                in_reply_to=reply_to,
                submission_key=data.get("submission_key"),
                request=request,
            )
        return services.cable_draft_update(
            actor=request.user, cable_id=cable.pk, fields=fields, request=request
        )
    except NotFoundError:
        raise
    except ApplicationError as exc:
        body_errors = exc.details.pop("body", None) if exc.details else None
        if body_errors:
            form.add_error(None, " ".join(str(e) for e in body_errors))
        if exc.details or not body_errors:
            apply_application_error(form, exc)
        return None


@login_required
def cable_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require(request.user, "cables.draft")
    units = _draft_units(request.user)
    if not units.exists():
        raise ApplicationError(_("You may not draft cables for this unit."), status_code=403)
    initial: dict[str, Any] = {"drafting_unit": units.first(), "classification": 0, "precedence": 0}
    paragraphs: list[dict[str, Any]] = []
    reply_to: Cable | None = None
    reply_id = request.GET.get("reply_to") or request.POST.get("reply_to")
    if reply_id:
        try:
            reply_to = selectors.cable_get_for_user(user=request.user, cable_id=int(reply_id))
        except (ValueError, NotFoundError) as exc:
            services.refusal_record(
                actor=request.user,
                action="cable.reply_refused",
                reason="not_visible",
                details={"cable_id": str(reply_id)[:20]},
                request=request,
            )
            raise NotFoundError(_("No such cable.")) from exc
        if reply_to.status == CableStatus.DRAFT:
            raise NotFoundError(_("No such cable."))
        subject = content.subject_or_none(reply_to) or ""
        initial.update(
            {
                "reply_to": reply_to.pk,
                "subject": subject if subject.lower().startswith("re:") else f"Re: {subject}",
                "classification": reply_to.classification,
                "precedence": reply_to.precedence,
                "tags": " ".join(reply_to.tags),
                "references": reply_to.reference,
                "action_units": [reply_to.drafting_unit_id],
            }
        )
        paragraphs = [{"mark": reply_to.classification, "text": ""}]
    form = CableForm(request.POST or None, units=units, addressees=_addressees(), initial=initial)
    formset = _paragraph_formset(request, paragraphs)
    if request.method == "POST":
        cable = _save_draft(request, form, formset, None)
        if cable is not None:
            messages.success(
                request, _("Draft saved. Ask colleagues to clear it, then release it.")
            )
            return redirect("cables:detail", cable_id=cable.pk)
    return render(
        request,
        "cables/form.html",
        {**_common(request, "compose"), "form": form, "formset": formset, "reply_to": reply_to},
    )


@login_required
def cable_edit(request: AuthenticatedHttpRequest, cable_id: int) -> HttpResponse:
    opened = selectors.cable_open_for_user(user=request.user, cable_id=cable_id)
    cable = opened.cable
    if cable.status != CableStatus.DRAFT or not policy.may_draft_cable(
        request.user, unit_id=cable.drafting_unit_id
    ):
        raise ApplicationError(
            _("This cable has been released and can no longer be changed."), status_code=409
        )
    if not opened.readable:
        raise ApplicationError(_("This draft is unreadable and cannot be edited."), status_code=409)
    deliveries = list(cable.deliveries.all())
    initial = {
        "drafting_unit": cable.drafting_unit,
        "subject": opened.subject,
        "classification": cable.classification,
        "precedence": cable.precedence,
        "captions": cable.captions,
        "tags": " ".join(cable.tags),
        "action_units": [d.unit_id for d in deliveries if d.kind == "action"],
        "info_units": [d.unit_id for d in deliveries if d.kind == "info"],
        "references": " ".join(
            r for r in cable.references.values_list("reference", flat=True) if r
        ),
    }
    units = Unit.objects.filter(pk=cable.drafting_unit_id)
    form = CableForm(request.POST or None, units=units, addressees=_addressees(), initial=initial)
    formset = _paragraph_formset(request, opened.paragraphs)
    if request.method == "POST":
        saved = _save_draft(request, form, formset, cable)
        if saved is not None:
            messages.success(request, _("Draft saved."))
            return redirect("cables:detail", cable_id=cable.pk)
    return render(
        request,
        "cables/form.html",
        {**_common(request, "drafts"), "form": form, "formset": formset, "cable": cable},
    )


# --- One cable ----------------------------------------------------------------------


@login_required
def cable_detail(request: AuthenticatedHttpRequest, cable_id: int) -> HttpResponse:
    opened = selectors.cable_open_for_user(user=request.user, cable_id=cable_id)
    cable = opened.cable
    services.cable_read(
        actor=request.user, cable=cable, integrity=opened.integrity, request=request
    )
    actions = selectors.actions_for_user(user=request.user, cable=cable)
    deliveries = list(cable.deliveries.select_related("unit"))
    people: Any = None
    if actions.can_edit:
        people = (
            User.objects.filter(
                is_active=True,
                clearance__gte=cable.classification,
                memberships__unit__is_active=True,
                memberships__role__in=sorted(policy.CAPABILITIES["cables.draft"]),
            )
            .exclude(pk=request.user.pk)
            .distinct()
            .order_by("full_name_en")
        )
    context = {
        **_common(request, "inbox"),
        "opened": opened,
        "cable": cable,
        "actions": actions,
        "action_units": [d.unit for d in deliveries if d.kind == "action"],
        "info_units": [d.unit for d in deliveries if d.kind == "info"],
        "references": list(
            selectors.cable_list_for_user(user=request.user)
            .filter(pk__in=cable.references.values("pk"))
            .order_by("released_at")
        ),
        "in_reply_to": (
            selectors.cable_list_for_user(user=request.user).filter(pk=cable.in_reply_to_id).first()
            if cable.in_reply_to_id
            else None
        ),
        "attachments": list(cable.attachments.defer("content")),
        "clearances": list(cable.clearances.select_related("clearer")),
        "grants": list(cable.grants.select_related("user")) if actions.can_grant else [],
        "board": selectors.delivery_board_for_user(user=request.user, cable=cable),
        "thread": _rows(selectors.thread_for_user(user=request.user, cable=cable)),
        "sender_tz": selectors.unit_timezone(cable.drafting_unit),
        "received": [
            {"delivery": d, "tz": selectors.unit_timezone(d.unit)}
            for d in cable.deliveries.filter(
                unit_id__in=policy.unit_ids(request.user), delivered_at__isnull=False
            ).select_related("unit")
        ],
        "attachment_form": AttachmentForm() if actions.can_edit else None,
        "clearers_form": ClearersForm(people=people) if people is not None else None,
        "max_attachment_mb": settings.SIFARA_CABLE_ATTACHMENT_MAX_BYTES // (1024 * 1024),
    }
    return render(request, "cables/detail.html", context)


def _back(cable_id: int) -> HttpResponse:
    return redirect("cables:detail", cable_id=cable_id)


def _fail(request: AuthenticatedHttpRequest, exc: ApplicationError, cable_id: int) -> HttpResponse:
    if isinstance(exc, NotFoundError):
        raise exc
    messages.error(request, str(exc.message))
    return _back(cable_id)


@login_required
@require_POST
def cable_release(request: AuthenticatedHttpRequest, cable_id: int) -> HttpResponse:
    try:
        cable = services.cable_release(actor=request.user, cable_id=cable_id, request=request)
    except ApplicationError as exc:
        return _fail(request, exc, cable_id)
    messages.success(
        request,
        _("Released as %(reference)s and delivered to every addressee.")
        % {"reference": cable.reference},
    )
    return _back(cable_id)


@login_required
@require_POST
def cable_recall(request: AuthenticatedHttpRequest, cable_id: int) -> HttpResponse:
    try:
        services.cable_recall(actor=request.user, cable_id=cable_id, request=request)
    except ApplicationError as exc:
        return _fail(request, exc, cable_id)
    messages.success(request, _("The cable has been recalled."))
    return _back(cable_id)


@login_required
@require_POST
def cable_clear(request: AuthenticatedHttpRequest, cable_id: int) -> HttpResponse:
    try:
        services.cable_clear(actor=request.user, cable_id=cable_id, request=request)
    except ApplicationError as exc:
        return _fail(request, exc, cable_id)
    messages.success(request, _("You have cleared this draft."))
    return _back(cable_id)


@login_required
@require_POST
def clearance_request(request: AuthenticatedHttpRequest, cable_id: int) -> HttpResponse:
    cable = selectors.cable_get_for_user(user=request.user, cable_id=cable_id)
    form = ClearersForm(
        request.POST,
        people=User.objects.filter(is_active=True).exclude(pk=request.user.pk),
    )
    if not form.is_valid():
        messages.error(request, _("Choose the colleagues who should clear this draft."))
        return _back(cable.pk)
    try:
        services.clearance_request(
            actor=request.user,
            cable_id=cable.pk,
            clearers=list(form.cleaned_data["clearers"]),
            request=request,
        )
    except ApplicationError as exc:
        return _fail(request, exc, cable.pk)
    messages.success(request, _("Clearance requested."))
    return _back(cable.pk)


@login_required
@require_POST
def cable_acknowledge(request: AuthenticatedHttpRequest, cable_id: int) -> HttpResponse:
    """One tap. HTMX swaps the button for the confirmation; without JS, a redirect."""
    try:
        services.cable_acknowledge(actor=request.user, cable_id=cable_id, request=request)
    except ApplicationError as exc:
        if request.htmx and not isinstance(exc, NotFoundError):
            return render(
                request,
                "cables/partials/ack.html",
                {"error": str(exc.message), "cable_id": cable_id},
                status=200,
            )
        return _fail(request, exc, cable_id)
    if request.htmx:
        template = (
            "cables/partials/ack_inline.html"
            if request.POST.get("inline")
            else "cables/partials/ack.html"
        )
        return render(request, template, {"acknowledged": True, "cable_id": cable_id})
    messages.success(request, _("Acknowledged."))
    nxt = request.POST.get("next") or ""
    if nxt.startswith("/cables/") and "//" not in nxt:
        return redirect(nxt)
    return _back(cable_id)


@login_required
@require_POST
def cable_grant(request: AuthenticatedHttpRequest, cable_id: int) -> HttpResponse:
    """Give one named person need-to-know for this cable (release authorities)."""
    username = (request.POST.get("username") or "").strip()[:150]
    person = User.objects.filter(username=username, is_active=True).first()
    if person is None:
        selectors.cable_get_for_user(user=request.user, cable_id=cable_id)
        messages.error(request, _("No active person has this user name."))
        return _back(cable_id)
    try:
        services.cable_grant(actor=request.user, cable_id=cable_id, user=person, request=request)
    except ApplicationError as exc:
        return _fail(request, exc, cable_id)
    messages.success(
        request, _("%(person)s may now read this cable.") % {"person": person.display_name}
    )
    return _back(cable_id)


@login_required
@require_POST
def attachment_add(request: AuthenticatedHttpRequest, cable_id: int) -> HttpResponse:
    cable = selectors.cable_get_for_user(user=request.user, cable_id=cable_id)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to attach."))
        return _back(cable.pk)
    upload = form.cleaned_data["file"]
    limit = settings.SIFARA_CABLE_ATTACHMENT_MAX_BYTES
    try:
        if upload.size is not None and upload.size > limit:
            services.attachment_check(upload.name or "", b"\0" * (limit + 1))
        data = upload.read(limit + 1)
        services.attachment_add(
            actor=request.user,
            cable_id=cable.pk,
            filename=upload.name or "",
            data=data,
            request=request,
        )
    except ApplicationError as exc:
        return _fail(request, exc, cable.pk)
    messages.success(request, _("Attachment added."))
    return _back(cable.pk)


@login_required
@require_POST
def attachment_remove(
    request: AuthenticatedHttpRequest, cable_id: int, attachment_id: int
) -> HttpResponse:
    try:
        services.attachment_remove(
            actor=request.user, cable_id=cable_id, attachment_id=attachment_id, request=request
        )
    except ApplicationError as exc:
        return _fail(request, exc, cable_id)
    messages.success(request, _("Attachment removed."))
    return _back(cable_id)


@login_required
def attachment_download(
    request: AuthenticatedHttpRequest, cable_id: int, attachment_id: int
) -> HttpResponse:
    cable = selectors.cable_get_for_user(user=request.user, cable_id=cable_id)
    attachment, data = services.attachment_download(
        actor=request.user, cable=cable, attachment_id=attachment_id, request=request
    )
    response = HttpResponse(data, content_type=attachment.content_type)
    response["Content-Disposition"] = (
        content_disposition_header(True, attachment.filename) or "attachment"
    )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def cable_export(request: AuthenticatedHttpRequest, cable_id: int) -> HttpResponse:
    """The released cable as signed JSON (content, signature, public key), audited."""
    opened = selectors.cable_open_for_user(user=request.user, cable_id=cable_id)
    cable = opened.cable
    if cable.status == CableStatus.DRAFT:
        raise NotFoundError(_("No such cable."))
    if not opened.readable:
        raise ApplicationError(
            _("This cable is unreadable: it was changed or its key is missing."), status_code=409
        )
    services.cable_export_record(actor=request.user, cable=cable, request=request)
    import base64

    canonical = content.canonical(cable, subject=opened.subject, paragraphs=opened.paragraphs)
    key = cable.signing_key
    body = {
        "canonical": json.loads(canonical),
        "integrity": opened.integrity,
        "signature": base64.b64encode(bytes(cable.signature or b"")).decode("ascii"),
        "unit_public_key": base64.b64encode(bytes(key.public_key)).decode("ascii") if key else "",
        "unit_key_certificate": (
            base64.b64encode(bytes(key.certificate)).decode("ascii") if key else ""
        ),
        "status": cable.status,
    }
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="{cable.reference}.json"'
    response["Cache-Control"] = "no-store"
    return response


# --- Web Push subscriptions -------------------------------------------------------


@login_required
@require_POST
def push_subscribe(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_view(request)
    try:
        data = json.loads(request.body.decode("utf-8") or "{}")
        keys = data.get("keys") or {}
        services.push_subscription_save(
            user=request.user,
            endpoint=str(data.get("endpoint") or ""),
            p256dh=str(keys.get("p256dh") or ""),
            auth=str(keys.get("auth") or ""),
        )
    except (ValueError, AttributeError, UnicodeDecodeError):
        return JsonResponse(
            {"ok": False, "message": _("This browser's push subscription is not valid.")},
            status=400,
        )
    except ApplicationError as exc:
        return JsonResponse({"ok": False, "message": str(exc.message)}, status=400)
    return JsonResponse({"ok": True, "message": _("Notifications are on for this device.")})


@login_required
@require_POST
def push_unsubscribe(request: AuthenticatedHttpRequest) -> HttpResponse:
    try:
        data = json.loads(request.body.decode("utf-8") or "{}")
        services.push_subscription_delete(
            user=request.user, endpoint=str(data.get("endpoint") or "")
        )
    except (ValueError, AttributeError, UnicodeDecodeError):
        pass
    return JsonResponse({"ok": True, "message": _("Notifications are off for this device.")})


@login_required
def duty_roster(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The duty rosters of the user's units (who is woken when a cable is overdue)."""
    _require_view(request)
    units = selectors.inbox_units_for_user(user=request.user)
    rosters = [
        {
            "unit": unit,
            "officers": selectors.duty_roster_for_unit(user=request.user, unit_id=unit.pk),
            "can_manage": policy.may_manage_cable_unit(request.user, unit_id=unit.pk),
            "members": User.objects.filter(
                is_active=True, pk__in=Membership.objects.filter(unit=unit).values("user_id")
            ).order_by("full_name_en"),
        }
        for unit in units
    ]
    if request.method == "POST":
        try:
            unit_id = int(request.POST.get("unit") or 0)
        except ValueError:
            unit_id = 0
        unit = next((u for u in units if u.pk == unit_id), None)
        if unit is None:
            raise NotFoundError(_("No such unit."))
        ids = [int(v) for v in request.POST.getlist("officers") if v.isdigit()]
        people = {u.pk: u for u in User.objects.filter(pk__in=ids)}
        try:
            services.duty_roster_set(
                actor=request.user, unit=unit, users=[people[i] for i in ids if i in people]
            )
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Duty roster saved."))
        return redirect(reverse("cables:roster"))
    return render(request, "cables/roster.html", {**_common(request, "roster"), "rosters": rosters})
