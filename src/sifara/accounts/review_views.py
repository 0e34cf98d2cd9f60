"""Pages of the impersonation radar's review queue and takedown cases.

Digital officers and administrators only (``accounts.review``); others get
403, anonymous visitors the sign-in page. Thin: forms in, services and
selectors out.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sifara.accounts import evidence as evidence_pack
from sifara.accounts import review_selectors as selectors
from sifara.accounts import review_services as services
from sifara.accounts.models import Candidate, CandidateSource, TakedownCase
from sifara.accounts.review_forms import (
    CandidateEntryForm,
    ConfirmForm,
    DismissForm,
    EvidenceForm,
    QueueFilterForm,
    TakedownForm,
)
from sifara.core import policy
from sifara.core.errors import ApplicationError
from sifara.core.forms import apply_application_error
from sifara.core.pages import paginate
from sifara.core.types import AuthenticatedHttpRequest


def _candidate_context(candidate: Candidate) -> dict[str, Any]:
    official = candidate.matched_account
    return {
        "candidate": candidate,
        "reasons": selectors.reasons_for_display(candidate.reasons),
        "candidate_url": selectors.profile_url(candidate.platform, candidate.handle, candidate.url),
        "official": official,
        "official_url": (
            selectors.profile_url(official.platform, official.handle, official.profile_url)
            if official
            else ""
        ),
        "score_percent": selectors.score_percent(candidate.score),
        "score_level": selectors.score_level(candidate.score),
    }


@login_required
def queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require(request.user, "accounts.review")
    form = QueueFilterForm(request.GET or None)
    filters = {"status": "", "platform": "", "query": ""}
    if form.is_valid():
        filters = {
            "status": form.cleaned_data.get("status") or "",
            "platform": form.cleaned_data.get("platform") or "",
            "query": form.cleaned_data.get("q") or "",
        }
    candidates = selectors.candidate_list_for_user(user=request.user, **filters)
    page_obj = paginate(request, candidates)
    rows = [
        {
            "candidate": candidate,
            "reasons": selectors.reasons_for_display(candidate.reasons, limit=2),
            "score_percent": selectors.score_percent(candidate.score),
            "score_level": selectors.score_level(candidate.score),
        }
        for candidate in page_obj
    ]
    context = {
        "form": form,
        "page_obj": page_obj,
        "rows": rows,
        "counts": selectors.candidate_counts_for_user(user=request.user),
        # for the official-accounts tabs
        "can_edit": policy.can(request.user, "accounts.edit"),
        "can_view_posture": policy.can(request.user, "accounts.view_posture"),
    }
    template = (
        "accounts/review/partials/queue_table.html"
        if request.htmx
        else "accounts/review/queue.html"
    )
    return render(request, template, context)


@login_required
def candidate_detail(request: AuthenticatedHttpRequest, candidate_id: int) -> HttpResponse:
    policy.require(request.user, "accounts.review")
    candidate = selectors.candidate_get_for_user(user=request.user, candidate_id=candidate_id)
    context = {
        **_candidate_context(candidate),
        "confirm_form": ConfirmForm(),
        "dismiss_form": DismissForm(),
        "case": TakedownCase.objects.filter(candidate=candidate).first(),
    }
    return render(request, "accounts/review/candidate_detail.html", context)


@login_required
@require_POST
def candidate_confirm(request: AuthenticatedHttpRequest, candidate_id: int) -> HttpResponse:
    policy.require(request.user, "accounts.review")
    candidate = selectors.candidate_get_for_user(user=request.user, candidate_id=candidate_id)
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The review note is too long."))
        return redirect("accounts_review:candidate_detail", candidate_id=candidate.pk)
    try:
        case = services.candidate_confirm(
            actor=request.user,
            candidate=candidate,
            note=form.cleaned_data["note"],
            request=request,
        )
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return redirect("accounts_review:candidate_detail", candidate_id=candidate.pk)
    messages.success(
        request,
        _("@%(handle)s confirmed as an impersonator. A takedown case is open.")
        % {"handle": candidate.handle},
    )
    return redirect("accounts_review:takedown_detail", case_id=case.pk)


@login_required
@require_POST
def candidate_dismiss(request: AuthenticatedHttpRequest, candidate_id: int) -> HttpResponse:
    policy.require(request.user, "accounts.review")
    candidate = selectors.candidate_get_for_user(user=request.user, candidate_id=candidate_id)
    form = DismissForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose why this account is dismissed."))
        return redirect("accounts_review:candidate_detail", candidate_id=candidate.pk)
    try:
        services.candidate_dismiss(
            actor=request.user,
            candidate=candidate,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
            request=request,
        )
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return redirect("accounts_review:candidate_detail", candidate_id=candidate.pk)
    messages.success(
        request,
        _("@%(handle)s dismissed. It will come back only if the account changes.")
        % {"handle": candidate.handle},
    )
    return redirect("accounts_review:queue")


@login_required
def candidate_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require(request.user, "accounts.review")
    form = CandidateEntryForm(request.POST or None, request.FILES or None)
    outcome = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            outcome = services.candidate_screen_outcome(
                actor=request.user,
                platform=data["platform"],
                handle=data["handle"],
                display_name=data.get("display_name") or "",
                bio=data.get("bio") or "",
                url=data.get("url") or "",
                avatar_file=data.get("avatar"),
                followers=data.get("followers"),
                created=data.get("created"),
                source=CandidateSource.MANUAL,
                request=request,
            )
        except ApplicationError as exc:
            apply_application_error(form, exc)
        else:
            candidate = outcome.candidate
            percent = selectors.score_percent(outcome.score)
            if outcome.outcome in {"queued", "requeued", "updated", "rescored"} and candidate:
                messages.success(
                    request,
                    _("@%(handle)s is in the review queue with a similarity score of %(score)s%%.")
                    % {"handle": candidate.handle, "score": percent},
                )
                return redirect("accounts_review:candidate_detail", candidate_id=candidate.pk)
            if outcome.outcome == "kept_confirmed" and candidate:
                messages.info(request, _("This account is already confirmed as an impersonator."))
                return redirect("accounts_review:candidate_detail", candidate_id=candidate.pk)
    context: dict[str, Any] = {"form": form, "outcome": outcome}
    if outcome is not None:
        context["outcome_percent"] = selectors.score_percent(outcome.score)
    return render(request, "accounts/review/candidate_form.html", context)


def _case_context(request: AuthenticatedHttpRequest, case: TakedownCase) -> dict[str, Any]:
    candidate = case.candidate
    items = selectors.evidence_list_for_case(user=request.user, case=case)
    return {
        **_candidate_context(candidate),
        "case": case,
        "case_number": evidence_pack.case_number(case),
        "evidence": [
            {"item": item, "is_image": item.file.name.lower().endswith((".png", ".jpg", ".webp"))}
            for item in items
        ],
        "report_url": candidate.platform.report_url,
    }


@login_required
def takedown_detail(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    policy.require(request.user, "accounts.review")
    case = selectors.takedown_get_for_user(user=request.user, case_id=case_id)
    context = _case_context(request, case)
    context["form"] = TakedownForm(
        initial={
            "status": case.status,
            "reported_on": case.reported_on,
            "platform_reference": case.platform_reference,
            "removed_on": case.removed_on,
            "notes": case.notes,
        }
    )
    context["evidence_form"] = EvidenceForm()
    return render(request, "accounts/review/takedown_detail.html", context)


@login_required
@require_POST
def takedown_update(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    policy.require(request.user, "accounts.review")
    case = selectors.takedown_get_for_user(user=request.user, case_id=case_id)
    form = TakedownForm(request.POST)
    if form.is_valid():
        try:
            services.takedown_update(
                actor=request.user, case=case, request=request, **form.cleaned_data
            )
        except ApplicationError as exc:
            apply_application_error(form, exc)
        else:
            messages.success(request, _("Takedown case updated."))
            return redirect("accounts_review:takedown_detail", case_id=case.pk)
    case.refresh_from_db()
    context = _case_context(request, case)
    context.update({"form": form, "evidence_form": EvidenceForm()})
    return render(request, "accounts/review/takedown_detail.html", context)


@login_required
@require_POST
def evidence_add(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    policy.require(request.user, "accounts.review")
    case = selectors.takedown_get_for_user(user=request.user, case_id=case_id)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.evidence_add(
                actor=request.user,
                case=case,
                file=form.cleaned_data["file"],
                caption=form.cleaned_data.get("caption") or "",
                captured_at=form.cleaned_data.get("captured_at"),
                request=request,
            )
        except ApplicationError as exc:
            apply_application_error(form, exc)
        else:
            messages.success(request, _("Evidence added."))
            return redirect("accounts_review:takedown_detail", case_id=case.pk)
    context = _case_context(request, case)
    context.update(
        {
            "form": TakedownForm(
                initial={
                    "status": case.status,
                    "reported_on": case.reported_on,
                    "platform_reference": case.platform_reference,
                    "removed_on": case.removed_on,
                    "notes": case.notes,
                }
            ),
            "evidence_form": form,
        }
    )
    return render(request, "accounts/review/takedown_detail.html", context)


@login_required
def evidence_file(
    request: AuthenticatedHttpRequest, case_id: int, evidence_id: int
) -> HttpResponseBase:
    policy.require(request.user, "accounts.review")
    item = selectors.evidence_get_for_user(
        user=request.user, case_id=case_id, evidence_id=evidence_id
    )
    response = FileResponse(item.file.open("rb"), filename=item.file.name.rsplit("/", 1)[-1])
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _download(data: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def evidence_pack_pdf(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    policy.require(request.user, "accounts.review")
    case = selectors.takedown_get_for_user(user=request.user, case_id=case_id)
    data = evidence_pack.evidence_pack_pdf(actor=request.user, case=case, request=request)
    name = f"{evidence_pack.case_number(case)}-evidence-pack.pdf"
    return _download(data, name, "application/pdf")


@login_required
def evidence_pack_zip(request: AuthenticatedHttpRequest, case_id: int) -> HttpResponse:
    policy.require(request.user, "accounts.review")
    case = selectors.takedown_get_for_user(user=request.user, case_id=case_id)
    data = evidence_pack.evidence_pack_zip(actor=request.user, case=case, request=request)
    name = f"{evidence_pack.case_number(case)}-evidence-pack.zip"
    return _download(data, name, "application/zip")
