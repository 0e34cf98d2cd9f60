"""Pages of the archive: search, an agreement (files, parties, relations),
recording and editing, a ministry's and a country's agreements, the
timeline, deadlines and reminders, topics, export and file downloads."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sifara.archive import export, extract, selectors, services
from sifara.archive.forms import (
    AgreementForm,
    AttachForm,
    DeadlineForm,
    PartyActionForm,
    RelationForm,
    SearchForm,
    TopicForm,
)
from sifara.archive.models import (
    Agreement,
    AgreementParty,
    AgreementStatus,
    AgreementType,
    FileFormat,
    Topic,
)
from sifara.archive.templatetags.archive_tags import year_label
from sifara.core import policy
from sifara.core.errors import ApplicationError, PermissionDeniedError
from sifara.core.forms import apply_application_error
from sifara.core.types import AuthenticatedHttpRequest
from sifara.directory.models import Country, Unit

PER_PAGE = 20


def _require_view(request: AuthenticatedHttpRequest) -> None:
    policy.require(request.user, "archive.view")


def _require_edit(request: AuthenticatedHttpRequest) -> None:
    if not policy.may_edit_archive(request.user):
        raise PermissionDeniedError(_("Only the treaties department records agreements."))


def _caps(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    return {
        "can_edit": policy.may_edit_archive(request.user),
        "can_manage_topics": policy.may_manage_archive_topics(request.user),
        "ocr_available": extract.tesseract_path() is not None,
    }


def _facet_labels() -> dict[str, dict[str, str]]:
    """Human names of facet values, in the active language."""
    return {
        "type": {k: str(v) for k, v in AgreementType.choices},
        "status": {k: str(v) for k, v in AgreementStatus.choices},
        "topic": {t.code: t.name for t in Topic.objects.all()},
        "ministry": {u.code: u.name for u in selectors.partner_ministries()},
    }


def _link(request: AuthenticatedHttpRequest, name: str, value: str) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    if value:
        query[name] = value
    else:
        query.pop(name, None)
    return "?" + query.urlencode()


def _facet_groups(
    request: AuthenticatedHttpRequest, counts: dict[str, dict[str, int]], chosen: dict[str, str]
) -> list[dict[str, Any]]:
    labels = _facet_labels()
    codes = set(counts.get("country", {}))
    labels["country"] = {c.code: c.name for c in Country.objects.filter(code__in=codes)}
    titles = {
        "country": _("Country"),
        "ministry": _("Ministry"),
        "topic": _("Topic"),
        "type": _("Type"),
        "status": _("Status"),
        "year": _("Year"),
    }
    labels["year"] = {y: year_label(y) for y in counts.get("year", {})}
    groups = []
    for name in selectors.FACETS:
        values = counts.get(name, {})
        if not values and not chosen.get(name):
            continue
        items = sorted(values.items(), key=lambda kv: (-kv[1], kv[0]))
        if name == "year":
            items = sorted(values.items(), key=lambda kv: kv[0], reverse=True)
        groups.append(
            {
                "name": name,
                "title": titles[name],
                "chosen": chosen.get(name, ""),
                "clear_url": _link(request, name, ""),
                "items": [
                    {
                        "value": v,
                        "label": labels.get(name, {}).get(v, v),
                        "count": n,
                        "url": _link(request, name, v),
                    }
                    for v, n in items[:12]
                ],
            }
        )
    return groups


@login_required
def search(request: AuthenticatedHttpRequest) -> HttpResponse:
    """One box, words in Arabic or English, facets, highlighted snippets."""
    _require_view(request)
    form = SearchForm(request.GET or None)
    query, chosen = "", {}
    if form.is_valid():
        query = form.cleaned_data["q"] or ""
        chosen = {n: (form.cleaned_data.get(n) or "").strip() for n in selectors.FACETS}
        chosen = {k: v for k, v in chosen.items() if v}
    try:
        page_number = max(1, min(int(request.GET.get("page", "1")), 500))
    except ValueError:
        page_number = 1
    results = selectors.agreement_search_for_user(
        user=request.user,
        query=query,
        facets={k: [v] for k, v in chosen.items()},
        limit=PER_PAGE,
        offset=(page_number - 1) * PER_PAGE,
    )
    pages = max(1, -(-results.total // PER_PAGE))
    context = {
        "form": form,
        "query": query,
        "chosen": chosen,
        "results": results,
        "facet_groups": _facet_groups(request, results.facets, chosen),
        "page_number": page_number,
        "pages": pages,
        "has_next": page_number < pages,
        "has_previous": page_number > 1,
        "ministries": selectors.partner_ministries(),
        **_caps(request),
    }
    template = "archive/partials/results.html" if request.htmx else "archive/search.html"
    return render(request, template, context)


def _detail_context(request: AuthenticatedHttpRequest, agreement: Agreement) -> dict[str, Any]:
    parties = selectors.parties_of(agreement)
    return {
        "agreement": agreement,
        "parties": parties,
        "files": selectors.files_for_user(user=request.user, agreement=agreement),
        "relations": selectors.relations_for_user(user=request.user, agreement=agreement),
        "attach_form": AttachForm(initial={"classification": agreement.classification}),
        "action_form": PartyActionForm(parties=parties),
        "relation_form": RelationForm(),
        **_caps(request),
    }


@login_required
def agreement_detail(request: AuthenticatedHttpRequest, agreement_id: int) -> HttpResponse:
    _require_view(request)
    agreement = selectors.agreement_get_for_user(user=request.user, agreement_id=agreement_id)
    services.agreement_viewed(actor=request.user, agreement=agreement, request=request)
    return render(request, "archive/agreement_detail.html", _detail_context(request, agreement))


@login_required
def agreement_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_edit(request)
    form = AgreementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            agreement = services.agreement_create(actor=request.user, **form.service_kwargs())
        except ApplicationError as exc:
            apply_application_error(form, exc)
        else:
            messages.success(request, _("Agreement recorded."))
            return redirect("archive:agreement_detail", agreement_id=agreement.pk)
    return render(request, "archive/agreement_form.html", {"form": form, "creating": True})


@login_required
def agreement_edit(request: AuthenticatedHttpRequest, agreement_id: int) -> HttpResponse:
    _require_edit(request)
    agreement = selectors.agreement_get_for_user(user=request.user, agreement_id=agreement_id)
    form = AgreementForm(request.POST or None, instance=agreement)
    if request.method == "POST" and form.is_valid():
        kwargs = form.service_kwargs()
        try:
            # The form edited the instance in place; the service re-reads it.
            fresh = Agreement.objects.get(pk=agreement.pk)
            services.agreement_update(actor=request.user, agreement=fresh, **kwargs)
        except ApplicationError as exc:
            apply_application_error(form, exc)
        else:
            messages.success(request, _("Agreement saved."))
            return redirect("archive:agreement_detail", agreement_id=agreement.pk)
    return render(request, "archive/agreement_form.html", {"form": form, "agreement": agreement})


@login_required
@require_POST
def file_attach(request: AuthenticatedHttpRequest, agreement_id: int) -> HttpResponse:
    _require_edit(request)
    agreement = selectors.agreement_get_for_user(user=request.user, agreement_id=agreement_id)
    form = AttachForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["upload"]
        limit = extract.max_bytes()
        try:
            if upload.size is not None and upload.size > limit:
                raise extract.FileRefusedError(
                    _("The file is larger than %(mb)s MB, the configured limit.")
                    % {"mb": limit // (1024 * 1024)}
                )
            services.file_attach(
                actor=request.user,
                agreement=agreement,
                name=upload.name or "file",
                data=upload.read(limit + 1),
                role=form.cleaned_data["role"],
                language=form.cleaned_data.get("language") or "",
                classification=form.cleaned_data["classification"],
            )
        except ApplicationError as exc:
            apply_application_error(form, exc, message_field="upload")
        else:
            messages.success(request, _("File attached. Its text is being extracted."))
            return redirect("archive:agreement_detail", agreement_id=agreement.pk)
    context = _detail_context(request, agreement)
    context["attach_form"] = form
    return render(request, "archive/agreement_detail.html", context, status=400)


@login_required
def file_download(request: AuthenticatedHttpRequest, file_id: int) -> HttpResponse:
    _require_view(request)
    archive_file = selectors.file_get_for_user(user=request.user, file_id=file_id)
    data = services.file_downloaded(actor=request.user, archive_file=archive_file, request=request)
    content_type = extract.CONTENT_TYPES.get(
        FileFormat(archive_file.file_format), "application/octet-stream"
    )
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = (
        content_disposition_header(True, archive_file.original_name) or "attachment"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def file_text(request: AuthenticatedHttpRequest, file_id: int) -> HttpResponse:
    """The extracted text of a file (reading a classified file's text is audited)."""
    _require_view(request)
    archive_file = selectors.file_get_for_user(user=request.user, file_id=file_id)
    agreement = selectors.agreement_get_for_user(
        user=request.user, agreement_id=archive_file.agreement_id
    )
    text = services.file_text_viewed(actor=request.user, archive_file=archive_file, request=request)
    return render(
        request,
        "archive/file_text.html",
        {"agreement": agreement, "file": archive_file, "text": text, **_caps(request)},
    )


@login_required
@require_POST
def party_action_add(request: AuthenticatedHttpRequest, agreement_id: int) -> HttpResponse:
    _require_edit(request)
    agreement = selectors.agreement_get_for_user(user=request.user, agreement_id=agreement_id)
    parties = selectors.parties_of(agreement)
    form = PartyActionForm(request.POST, parties=parties)
    if form.is_valid():
        party = AgreementParty.objects.filter(
            agreement=agreement, pk=form.cleaned_data["party"]
        ).first()
        if party is None:
            raise Http404
        try:
            services.party_action_add(
                actor=request.user,
                party=party,
                action=form.cleaned_data["action"],
                on=form.cleaned_data["on"],
                note=form.cleaned_data.get("note") or "",
            )
        except ApplicationError as exc:
            apply_application_error(form, exc)
        else:
            messages.success(request, _("Action recorded."))
            return redirect("archive:agreement_detail", agreement_id=agreement.pk)
    context = _detail_context(request, agreement)
    context["action_form"] = form
    return render(request, "archive/agreement_detail.html", context, status=400)


@login_required
@require_POST
def relation_add(request: AuthenticatedHttpRequest, agreement_id: int) -> HttpResponse:
    _require_edit(request)
    agreement = selectors.agreement_get_for_user(user=request.user, agreement_id=agreement_id)
    form = RelationForm(request.POST)
    if form.is_valid():
        try:
            target = selectors.agreement_get_for_user(
                user=request.user, agreement_id=form.cleaned_data["target"]
            )
        except Http404:
            form.add_error("target", _("No agreement with this number."))
        else:
            try:
                services.relation_add(
                    actor=request.user,
                    source=agreement,
                    target=target,
                    kind=form.cleaned_data["kind"],
                )
            except ApplicationError as exc:
                apply_application_error(form, exc, message_field="target")
            else:
                messages.success(request, _("Relation recorded."))
                return redirect("archive:agreement_detail", agreement_id=agreement.pk)
    context = _detail_context(request, agreement)
    context["relation_form"] = form
    return render(request, "archive/agreement_detail.html", context, status=400)


@login_required
def ministry_page(request: AuthenticatedHttpRequest, unit_id: int) -> HttpResponse:
    _require_view(request)
    unit: Unit = selectors.ministry_get(unit_id=unit_id)
    agreements = selectors.agreement_list_for_user(user=request.user, ministry=unit.code)
    return render(
        request,
        "archive/agreement_list_page.html",
        {
            "heading": unit.name,
            "subheading": _("Agreements this ministry is responsible for"),
            "agreements": agreements,
            "facet": ("ministry", unit.code),
            **_caps(request),
        },
    )


@login_required
def country_page(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    _require_view(request)
    country = selectors.country_get(code=code)
    agreements = selectors.agreement_list_for_user(user=request.user, country=country.code)
    return render(
        request,
        "archive/agreement_list_page.html",
        {
            "heading": country.name,
            "subheading": _("Agreements with this country"),
            "agreements": agreements,
            "facet": ("country", country.code),
            **_caps(request),
        },
    )


@login_required
def timeline(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_view(request)
    this_year = timezone.localdate().year
    try:
        year_from = int(request.GET.get("from", this_year - 10))
        year_to = int(request.GET.get("to", this_year + 5))
    except ValueError:
        year_from, year_to = this_year - 10, this_year + 5
    year_from = max(1900, min(year_from, 2200))
    year_to = max(year_from, min(year_to, year_from + 100))
    events = selectors.timeline_for_user(user=request.user, year_from=year_from, year_to=year_to)
    years: dict[int, list[Any]] = {}
    for event in events:
        years.setdefault(event.on.year, []).append(event)
    return render(
        request,
        "archive/timeline.html",
        {
            "years": sorted(years.items(), reverse=True),
            "year_from": year_from,
            "year_to": year_to,
            "today": timezone.localdate(),
            **_caps(request),
        },
    )


@login_required
def deadlines(request: AuthenticatedHttpRequest) -> HttpResponse:
    """What falls due in the next 30/90/365 days, and the reminders sent."""
    _require_view(request)
    form = DeadlineForm(request.GET or None)
    days = (form.cleaned_data.get("days") or 90) if form.is_valid() else 90
    today: date = timezone.localdate()
    items = selectors.deadlines_for_user(user=request.user, days=int(days), today=today)
    counts = {
        n: len(selectors.deadlines_for_user(user=request.user, days=n, today=today))
        for n in (30, 90, 365)
    }
    return render(
        request,
        "archive/deadlines.html",
        {
            "items": items,
            "days": int(days),
            "counts": counts,
            "reminders": selectors.reminders_for_user(user=request.user),
            **_caps(request),
        },
    )


@login_required
def topics(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_view(request)
    can_manage = policy.may_manage_archive_topics(request.user)
    form = TopicForm(request.POST or None)
    if request.method == "POST":
        if not can_manage:
            policy.require(request.user, "archive.manage_topics")
        if form.is_valid():
            try:
                services.topic_save(actor=request.user, **form.cleaned_data)
            except ApplicationError as exc:
                apply_application_error(form, exc)
            else:
                messages.success(request, _("Topic saved."))
                return redirect("archive:topics")
    return render(
        request,
        "archive/topics.html",
        {"topics": selectors.topic_list(active_only=False), "form": form, **_caps(request)},
    )


@login_required
def export_records(request: AuthenticatedHttpRequest, fmt: str) -> HttpResponse:
    """The visible records (with the page's filters) as CSV or JSON; audited."""
    _require_view(request)
    if fmt not in ("csv", "json"):
        raise Http404
    form = SearchForm(request.GET or None)
    filters: dict[str, str] = {}
    if form.is_valid():
        filters = {
            "country": form.cleaned_data.get("country") or "",
            "ministry": form.cleaned_data.get("ministry") or "",
            "topic": form.cleaned_data.get("topic") or "",
            "kind": form.cleaned_data.get("type") or "",
            "status": form.cleaned_data.get("status") or "",
            "year": form.cleaned_data.get("year") or "",
        }
    agreements = list(selectors.agreement_list_for_user(user=request.user, **filters))
    records = [
        export.record_of(
            a,
            file_names=[
                f.original_name for f in selectors.files_for_user(user=request.user, agreement=a)
            ],
        )
        for a in agreements
    ]
    services.agreements_exported(actor=request.user, count=len(records), fmt=fmt, request=request)
    if fmt == "csv":
        response = HttpResponse(export.to_csv(records), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(export.to_json(records), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="agreements.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response
