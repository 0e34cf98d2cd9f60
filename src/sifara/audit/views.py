"""Audit trail pages for administrators: browse, verify, export (CSV)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import UTC
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from sifara import audit
from sifara.audit import selectors
from sifara.audit.forms import EventFilterForm
from sifara.audit.models import AuditEvent
from sifara.core import policy
from sifara.core.errors import ApplicationError
from sifara.core.pages import paginate

PER_PAGE = 50

#: Cells starting with these are formulas to a spreadsheet (CSV injection).
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _filter_form(request: HttpRequest) -> EventFilterForm:
    user: Any = request.user
    return EventFilterForm(
        request.GET or None,
        actions=selectors.event_actions_for_user(user=user),
        target_types=selectors.event_target_types_for_user(user=user),
    )


@never_cache
@login_required
@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = _filter_form(request)
    events = selectors.event_list_for_user(user=user, **form.filters())
    page_obj = paginate(request, events, PER_PAGE)
    export_query = request.GET.copy()
    export_query.pop("page", None)
    context = {
        "form": form,
        "page_obj": page_obj,
        "export_query": export_query.urlencode(),
    }
    template = "audit/partials/event_table.html" if request.htmx else "audit/event_list.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@never_cache
@login_required
@require_GET
def chain_status(request: HttpRequest) -> HttpResponse:
    """The "verify chain" box: a fragment for HTMX, a page otherwise."""
    user: Any = request.user
    result = selectors.chain_status_for_user(user=user)
    context = {"result": result, "verified_at": timezone.now()}
    template = "audit/partials/chain_status.html" if request.htmx else "audit/chain_status.html"  # type: ignore[attr-defined]
    return render(request, template, context)


class _Echo:
    """A file-like object whose ``write`` hands the line back to the caller."""

    def write(self, value: str) -> str:
        return value


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_PREFIXES) else text


def _csv_rows(events: Iterator[AuditEvent]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # a BOM, so spreadsheet programs read the Arabic as UTF-8
    yield writer.writerow(
        [
            "seq",
            "occurred_at_utc",
            "actor",
            "action",
            "target_type",
            "target_id",
            "target",
            "source_ip",
            "details",
            "hash",
        ]
    )
    for event in events:
        yield writer.writerow(
            [
                event.seq,
                event.occurred_at.astimezone(UTC).isoformat(timespec="seconds"),
                _cell(event.actor_label),
                _cell(event.action),
                _cell(event.target_type),
                _cell(event.target_id),
                _cell(event.target_label),
                _cell(event.source_ip),
                _cell(selectors.details_json(event.details)),
                event.hash,
            ]
        )


@never_cache
@login_required
@require_GET
def event_export(request: HttpRequest) -> StreamingHttpResponse:
    """Stream the filtered events as CSV; the export itself is audited."""
    user: Any = request.user
    if not policy.can(user, "audit.export"):
        raise PermissionDenied
    form = _filter_form(request)
    if request.GET and not form.is_valid():
        raise ApplicationError(_("The filters are not valid; correct them and export again."))
    filters = form.filters()
    # A snapshot as of now: the "audit.exported" event below is not part of it.
    up_to = selectors.event_last_seq_for_user(user=user)
    events = selectors.event_list_for_user(user=user, up_to_seq=up_to, **filters)
    audit.record(
        actor=user,
        action="audit.exported",
        details={
            "format": "csv",
            "up_to_seq": up_to,
            "filters": {key: value for key, value in filters.items() if value},
        },
        request=request,
    )
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    response = StreamingHttpResponse(
        _csv_rows(events.iterator(chunk_size=2000)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="sifara-audit-{stamp}.csv"'
    return response
