"""Registry pages: the list, an account, its security posture and audits, the
security board, the platform guide and the personal-accounts list."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sifara.accounts import selectors, services
from sifara.accounts.forms import (
    AuditForm,
    GuideCountryForm,
    OfficialAccountForm,
    PersonalAccountForm,
    PlatformUsageForm,
    PostureForm,
    RegistryFilterForm,
)
from sifara.accounts.handles import HandleError
from sifara.core import policy
from sifara.core.errors import ApplicationError
from sifara.core.forms import apply_application_error
from sifara.core.pages import paginate
from sifara.core.types import AuthenticatedHttpRequest


def _apply_errors(form: Any, exc: ApplicationError) -> None:
    """A bad account reference belongs next to the handle field."""
    apply_application_error(
        form, exc, message_field="handle" if isinstance(exc, HandleError) else None
    )


def _require_view(request: AuthenticatedHttpRequest) -> None:
    policy.require(request.user, "accounts.view")


def _upload_bytes(upload: UploadedFile | None) -> bytes | None:
    if upload is None:
        return None
    if upload.size is not None and upload.size > services.MAX_IMAGE_BYTES:
        raise ApplicationError(
            _("The image is larger than 2 MB."),
            details={"profile_image": [_("The image is larger than 2 MB.")]},
        )
    return upload.read(services.MAX_IMAGE_BYTES + 1)


def _capabilities(request: AuthenticatedHttpRequest) -> dict[str, bool]:
    user = request.user
    return {
        "can_edit": policy.can(user, "accounts.edit"),
        "can_view_posture": policy.can(user, "accounts.view_posture"),
        "can_edit_guide": policy.can(user, "accounts.platform_guide"),
        "can_review": policy.can(user, "accounts.review"),
    }


@login_required
def registry(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_view(request)
    form = RegistryFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_valid():
        unit = form.cleaned_data.get("unit")
        platform = form.cleaned_data.get("platform")
        filters = {
            "query": form.cleaned_data.get("q") or "",
            "unit_id": unit.pk if unit else None,
            "platform": platform.code if platform else "",
            "status": form.cleaned_data.get("status") or "",
            "kind": form.cleaned_data.get("kind") or "",
        }
    accounts = selectors.official_account_list_for_user(user=request.user, **filters)
    context = {"form": form, "page_obj": paginate(request, accounts), **_capabilities(request)}
    template = "accounts/partials/registry_table.html" if request.htmx else "accounts/registry.html"
    return render(request, template, context)


@login_required
def account_detail(request: AuthenticatedHttpRequest, account_id: int) -> HttpResponse:
    account = selectors.official_account_get_for_user(user=request.user, account_id=account_id)
    caps = _capabilities(request)
    context: dict[str, Any] = {
        "account": account,
        "custodians": selectors.custodians_for_user(user=request.user, account=account),
        **caps,
    }
    if caps["can_view_posture"]:
        context["posture"] = selectors.posture_get_for_user(user=request.user, account=account)
        context["audit_form"] = AuditForm()
    return render(request, "accounts/account_detail.html", context)


@login_required
def account_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require(request.user, "accounts.edit")
    form = OfficialAccountForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            image = _upload_bytes(data.pop("profile_image", None))
            account = services.official_account_create(
                actor=request.user,
                platform=data.pop("platform"),
                handle=data.pop("handle"),
                status=data.pop("status"),
                custodians=list(data.pop("custodians", [])),
                profile_image=image,
                **data,
            )
        except ApplicationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Account recorded."))
            return redirect("accounts:account_detail", account_id=account.pk)
    return render(request, "accounts/account_form.html", {"form": form, "creating": True})


@login_required
def account_edit(request: AuthenticatedHttpRequest, account_id: int) -> HttpResponse:
    policy.require(request.user, "accounts.edit")
    account = selectors.official_account_get_for_user(user=request.user, account_id=account_id)
    form = OfficialAccountForm(
        request.POST or None,
        request.FILES or None,
        initial=OfficialAccountForm.initial_for(account),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            image = _upload_bytes(data.pop("profile_image", None))
            if image is not None:
                services.image_inspect(data=image)
            services.official_account_update(
                actor=request.user,
                account=account,
                platform=data.pop("platform"),
                handle=data.pop("handle"),
                status=data.pop("status"),
                custodians=list(data.pop("custodians", [])),
                **data,
            )
            if image is not None:
                services.official_account_set_profile_image(
                    actor=request.user, account=account, data=image
                )
        except ApplicationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Account saved."))
            return redirect("accounts:account_detail", account_id=account.pk)
    return render(
        request,
        "accounts/account_form.html",
        {"form": form, "account": account, "creating": False},
    )


@login_required
def account_posture(request: AuthenticatedHttpRequest, account_id: int) -> HttpResponse:
    """The posture form. 404 (not 403) without ``accounts.view_posture``: the
    posture's existence is not disclosed."""
    account = selectors.official_account_get_for_user(user=request.user, account_id=account_id)
    view = selectors.posture_get_for_user(user=request.user, account=account, with_audits=False)
    if not policy.can(request.user, "accounts.edit"):
        raise Http404
    form = PostureForm(request.POST or None, instance=view.posture)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in PostureForm.Meta.fields}
        try:
            services.posture_update(actor=request.user, account=account, **fields)
        except ApplicationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Security posture saved."))
            return redirect("accounts:account_detail", account_id=account.pk)
    return render(
        request,
        "accounts/posture_form.html",
        {"form": form, "account": account, "posture": view},
    )


@login_required
@require_POST
def audit_record(request: AuthenticatedHttpRequest, account_id: int) -> HttpResponse:
    account = selectors.official_account_get_for_user(user=request.user, account_id=account_id)
    view = selectors.posture_get_for_user(user=request.user, account=account)
    form = AuditForm(request.POST)
    if form.is_valid():
        try:
            services.account_audit_record(actor=request.user, account=account, **form.cleaned_data)
        except ApplicationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Audit recorded."))
            return redirect("accounts:account_detail", account_id=account.pk)
    context = {
        "account": account,
        "custodians": selectors.custodians_for_user(user=request.user, account=account),
        "posture": view,
        "audit_form": form,
        **_capabilities(request),
    }
    return render(request, "accounts/account_detail.html", context, status=400)


@login_required
def security_board(request: AuthenticatedHttpRequest) -> HttpResponse:
    rows = selectors.security_board_for_user(user=request.user)
    context = {
        "page_obj": paginate(request, rows, per_page=50),
        "total": len(rows),
        "overdue": sum(1 for row in rows if row.audit_overdue),
        "high": sum(1 for row in rows if row.level == "high"),
        **_capabilities(request),
    }
    return render(request, "accounts/security_board.html", context)


@login_required
def guide_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_view(request)
    caps = _capabilities(request)
    if request.GET.get("country"):
        form = GuideCountryForm(request.GET)
        if form.is_valid():
            return redirect("accounts:guide_country", country=form.cleaned_data["country"].code)
    context = {
        "countries": selectors.guide_countries_for_user(user=request.user),
        "country_form": GuideCountryForm() if caps["can_edit_guide"] else None,
        **caps,
    }
    return render(request, "accounts/guide_index.html", context)


@login_required
def guide_country(request: AuthenticatedHttpRequest, country: str) -> HttpResponse:
    _require_view(request)
    found, usage = selectors.guide_get_for_user(user=request.user, country_code=country)
    caps = _capabilities(request)
    form = None
    if caps["can_edit_guide"]:
        form = PlatformUsageForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.platform_usage_set(actor=request.user, country=found, **form.cleaned_data)
            except ApplicationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("Platform guide saved."))
                return redirect("accounts:guide_country", country=found.code)
    elif request.method == "POST":
        policy.require(request.user, "accounts.platform_guide")
    context = {
        "country": found,
        "usage": usage,
        "main_ids": {u.pk for u in selectors.main_platforms(usage)},
        "form": form,
        **caps,
    }
    return render(request, "accounts/guide_country.html", context)


@login_required
@require_POST
def guide_remove(request: AuthenticatedHttpRequest, usage_id: int) -> HttpResponse:
    policy.require(request.user, "accounts.platform_guide")
    usage = selectors.platform_usage_get_for_user(user=request.user, usage_id=usage_id)
    country = usage.country_id
    services.platform_usage_remove(actor=request.user, usage=usage)
    messages.success(request, _("Entry removed."))
    return redirect("accounts:guide_country", country=country)


@login_required
def personal_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require(request.user, "accounts.edit")
    query = request.GET.get("q", "")[:100]
    accounts = selectors.personal_account_list_for_user(user=request.user, query=query)
    form = PersonalAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.personal_account_create(actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Personal account recorded."))
            return redirect("accounts:personal_list")
    context = {
        "form": form,
        "page_obj": paginate(request, accounts),
        "q": query,
        **_capabilities(request),
    }
    return render(request, "accounts/personal_list.html", context)


@login_required
@require_POST
def personal_remove(request: AuthenticatedHttpRequest, account_id: int) -> HttpResponse:
    policy.require(request.user, "accounts.edit")
    account = selectors.personal_account_get_for_user(user=request.user, account_id=account_id)
    services.personal_account_delete(actor=request.user, account=account)
    messages.success(request, _("Personal account removed."))
    return redirect("accounts:personal_list")
