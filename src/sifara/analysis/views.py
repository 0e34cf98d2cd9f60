"""Pages of listening analysis: dashboard and drill-down, alerts and their rules,
statements, claims, coordinated clusters.

Analysts and digital officers only (``listening.view``); everyone else gets
403, anonymous visitors the sign-in page. Thin: forms in, services and
selectors out.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import UTC
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from sifara import audit
from sifara.analysis import charts, claimreview, selectors, services
from sifara.analysis.forms import (
    AlertRuleForm,
    ClaimForm,
    FilterForm,
    LinkPostForm,
    SavedSearchForm,
    StatementForm,
)
from sifara.analysis.models import AlertKind, AlertRule, Claim, Statement
from sifara.analysis.selectors import Filters
from sifara.core import i18n, policy
from sifara.core.errors import ApplicationError
from sifara.core.forms import apply_application_error
from sifara.core.i18n import in_headquarters_time
from sifara.core.pages import paginate
from sifara.core.types import AuthenticatedHttpRequest
from sifara.directory.models import Country, Unit
from sifara.listening.models import Post

PER_PAGE = 50
#: Cells starting with these are formulas to a spreadsheet (CSV injection).
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
FILTER_KEYS = ("period", "topic", "language", "country", "sentiment")


def _require_view(request: AuthenticatedHttpRequest) -> None:
    policy.require(request.user, "listening.view")


def _tabs(request: AuthenticatedHttpRequest, tab: str) -> dict[str, Any]:
    return {
        "tab": tab,
        "counts": selectors.open_items_for_user(user=request.user),
        "can_manage_alerts": policy.can(request.user, "listening.manage_alerts"),
        "can_manage_statements": policy.can(request.user, "listening.manage_statements"),
        "can_manage_claims": policy.can(request.user, "listening.manage_claims"),
        "can_export": policy.can(request.user, "listening.export"),
    }


def country_names(codes: list[str]) -> dict[str, str]:
    language = i18n.active_locale()
    names = {
        c.code: (c.name_ar if language == "ar" else c.name_en)
        for c in Country.objects.filter(code__in=[code for code in codes if code])
    }
    names[""] = _("Unknown")
    return names


def language_label(code: str) -> str:
    return i18n.language_name(code) if code else _("Unknown")


def _filter_form(request: AuthenticatedHttpRequest) -> FilterForm:
    topics = selectors.topic_list_for_user(user=request.user)
    return FilterForm(request.GET or None, topics=topics)


def _base_query(request: AuthenticatedHttpRequest, **overrides: Any) -> str:
    """The dashboard filters of this request, some replaced, as a query string."""
    query = {key: request.GET.get(key, "") for key in FILTER_KEYS}
    query.update({key: "" if value is None else str(value) for key, value in overrides.items()})
    return urlencode({key: value for key, value in query.items() if value})


def _posts_url(request: AuthenticatedHttpRequest, **overrides: Any) -> str:
    return reverse("analysis:post_list") + "?" + _base_query(request, **overrides)


# --- dashboard ----------------------------------------------------------------------


@in_headquarters_time
@never_cache
@login_required
@require_GET
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_view(request)
    form = _filter_form(request)
    filters = form.filters()
    board = selectors.dashboard_for_user(user=request.user, filters=filters)
    names = country_names([code for code, _n in board.countries])
    sentiment_labels = {"neg": _("Negative"), "neu": _("Neutral"), "pos": _("Positive")}
    chart_data = {
        "volume": charts.volume_chart(
            board,
            lambda start: _posts_url(request, bucket=start.astimezone(UTC).isoformat()),
        ),
        "languages": charts.bars_chart(
            [
                (language_label(code), n, _posts_url(request, language=code))
                for code, n in board.languages[:12]
            ]
        ),
        "countries": charts.bars_chart(
            [
                (names.get(code, code), n, _posts_url(request, country=code))
                for code, n in board.countries[:12]
            ],
            color=charts.COLORS["accent"],
        ),
        "sentiment": charts.donut_chart(
            [
                (
                    sentiment_labels[label],
                    board.sentiment_counts.get(label, 0),
                    charts.COLORS[label],
                    _posts_url(request, sentiment=label),
                )
                for label in ("neg", "neu", "pos")
            ]
        ),
    }
    negative_share = (
        round(100 * board.sentiment_counts.get("neg", 0) / board.total) if board.total else 0
    )
    context = {
        **_tabs(request, "dashboard"),
        "form": form,
        "filters": filters,
        "board": board,
        "chart_data": chart_data,
        "negative_share": negative_share,
        "top_authors": [
            (handle, n, _posts_url(request, author=handle)) for handle, n in board.top_authors
        ],
        "top_terms": [
            (text, n, _posts_url(request, term=term_id)) for term_id, text, n in board.top_terms
        ],
        "posts_url": _posts_url(request),
        "export_url": reverse("analysis:post_export") + "?" + _base_query(request),
        "saved_searches": selectors.saved_search_list_for_user(user=request.user),
        "save_form": SavedSearchForm(initial={"query": _base_query(request)}),
        "current_query": _base_query(request),
        "period_label": selectors.PERIOD_LABELS.get(filters.period, ""),
        "hq_timezone": selectors.hq_zone().key,
        "top_sample": selectors.TOP_SAMPLE,
    }
    return render(request, "analysis/dashboard.html", context)


def _drill_filters(request: AuthenticatedHttpRequest) -> tuple[FilterForm, Filters]:
    form = _filter_form(request)
    if request.GET and not form.is_valid():
        raise ApplicationError(_("The filters are not valid; correct them and try again."))
    return form, form.filters()


def _active_filters(request: AuthenticatedHttpRequest, filters: Filters) -> list[tuple[str, str]]:
    """Human labels of the active drill-down filters."""
    shown: list[tuple[str, str]] = [(_("Period"), str(selectors.PERIOD_LABELS[filters.period]))]
    if filters.topic_id:
        topic = selectors.topic_get_for_user(user=request.user, topic_id=filters.topic_id)
        shown.append((_("Topic"), topic.name_ar if i18n.active_locale() == "ar" else topic.name_en))
    if filters.language:
        shown.append((_("Language"), language_label(filters.language)))
    if filters.country:
        shown.append(
            (_("Country"), country_names([filters.country]).get(filters.country, filters.country))
        )
    if filters.sentiment:
        shown.append(
            (
                _("Sentiment"),
                {"neg": _("Negative"), "neu": _("Neutral"), "pos": _("Positive")}[
                    filters.sentiment
                ],
            )
        )
    if filters.author:
        shown.append((_("Author"), "@" + filters.author))
    if filters.bucket_start:
        shown.append((_("From"), i18n.format_datetime(filters.bucket_start, selectors.hq_zone())))
    if filters.query:
        shown.append((_("Words"), filters.query))
    return shown


@in_headquarters_time
@never_cache
@login_required
@require_GET
def post_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_view(request)
    form, filters = _drill_filters(request)
    posts = selectors.post_list_for_user(user=request.user, filters=filters)
    page_obj = paginate(request, posts, PER_PAGE)
    export_query = request.GET.copy()
    export_query.pop("page", None)
    context = {
        **_tabs(request, "dashboard"),
        "form": form,
        "page_obj": page_obj,
        "active_filters": _active_filters(request, filters),
        "export_query": export_query.urlencode(),
        "dashboard_query": _base_query(request),
    }
    template = "analysis/partials/post_table.html" if request.htmx else "analysis/post_list.html"
    return render(request, template, context)


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_cell(value: Any) -> str:
    """A cell a spreadsheet will not run as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_PREFIXES) else text


def _csv_rows(posts: Iterator[Post]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"
    yield writer.writerow(
        [
            "published_at_utc",
            "platform",
            "author",
            "author_name",
            "language",
            "country",
            "sentiment",
            "sentiment_label",
            "reach",
            "url",
            "text",
        ]
    )
    for post in posts:
        yield writer.writerow(
            [
                post.published_at.astimezone(UTC).isoformat(timespec="seconds"),
                csv_cell(post.platform),
                csv_cell(post.author_handle),
                csv_cell(post.author_name),
                csv_cell(post.language),
                csv_cell(post.country),
                f"{post.sentiment:.3f}",
                csv_cell(post.sentiment_label),
                post.reach,
                csv_cell(post.url),
                csv_cell(post.text),
            ]
        )


@in_headquarters_time
@never_cache
@login_required
@require_GET
def post_export(request: AuthenticatedHttpRequest) -> StreamingHttpResponse:
    """The drill-down's posts as CSV (streamed); the export is audited."""
    policy.require(request.user, "listening.export")
    _form, filters = _drill_filters(request)
    posts = selectors.post_list_for_user(user=request.user, filters=filters)
    audit.record(
        actor=request.user,
        action="listening.posts_exported",
        details={
            "format": "csv",
            "period": filters.period,
            "topic": filters.topic_id,
            "language": filters.language,
            "country": filters.country,
            "sentiment": filters.sentiment,
        },
        request=request,
    )
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    response = StreamingHttpResponse(
        _csv_rows(posts.select_related(None).iterator(chunk_size=2000)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="sifara-listening-{stamp}.csv"'
    return response


@in_headquarters_time
@login_required
@require_POST
def saved_search_save(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_view(request)
    form = SavedSearchForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the search a name."))
        return redirect("analysis:dashboard")
    query = form.cleaned_data.get("query") or ""
    try:
        services.saved_search_create(
            actor=request.user, name=form.cleaned_data["name"], query=query
        )
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Search saved."))
    return redirect(reverse("analysis:dashboard") + ("?" + query if query else ""))


@in_headquarters_time
@login_required
@require_POST
def saved_search_delete(request: AuthenticatedHttpRequest, search_id: int) -> HttpResponse:
    _require_view(request)
    search = selectors.saved_search_get_for_user(user=request.user, search_id=search_id)
    services.saved_search_delete(actor=request.user, search=search)
    messages.success(request, _("Saved search deleted."))
    return redirect("analysis:dashboard")


# --- alerts -------------------------------------------------------------------------


@in_headquarters_time
@never_cache
@login_required
@require_GET
def alert_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_view(request)
    show = request.GET.get("show", "")
    kind = request.GET.get("kind", "")
    alerts = selectors.alert_list_for_user(
        user=request.user,
        unacknowledged=show == "open",
        kind=kind if kind in AlertKind.values else "",
    )
    page_obj = paginate(request, alerts)
    rows = [{"alert": a, "summary": services.alert_summary(a)} for a in page_obj]
    context = {
        **_tabs(request, "alerts"),
        "page_obj": page_obj,
        "rows": rows,
        "show": show,
        "kind": kind,
        "kinds": AlertKind.choices,
    }
    return render(request, "analysis/alert_list.html", context)


@in_headquarters_time
@never_cache
@login_required
@require_GET
def alert_detail(request: AuthenticatedHttpRequest, alert_id: int) -> HttpResponse:
    _require_view(request)
    alert = selectors.alert_get_for_user(user=request.user, alert_id=alert_id)
    page_obj = paginate(request, selectors.alert_posts(alert), PER_PAGE)
    context = {
        **_tabs(request, "alerts"),
        "alert": alert,
        "summary": services.alert_summary(alert),
        "page_obj": page_obj,
        "can_review": policy.can(request.user, "accounts.review"),
        "ratio": (alert.details or {}).get("ratio"),
        "chart_data": {
            "figures": charts.bars_chart(
                [
                    (_("Observed"), int(alert.observed), ""),
                    (_("Expected from the baseline"), round(alert.expected), ""),
                ],
                color=charts.COLORS["neg"]
                if alert.kind == AlertKind.NEGATIVE_SPIKE
                else charts.COLORS["posts"],
            )
        }
        if alert.kind in {AlertKind.VOLUME_SPIKE, AlertKind.NEGATIVE_SPIKE}
        else None,
    }
    return render(request, "analysis/alert_detail.html", context)


@in_headquarters_time
@login_required
@require_POST
def alert_acknowledge(request: AuthenticatedHttpRequest, alert_id: int) -> HttpResponse:
    _require_view(request)
    alert = selectors.alert_get_for_user(user=request.user, alert_id=alert_id)
    try:
        services.alert_acknowledge(actor=request.user, alert=alert, request=request)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Alert acknowledged."))
    return redirect("analysis:alert_detail", alert_id=alert.pk)


@in_headquarters_time
@never_cache
@login_required
@require_GET
def rule_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_view(request)
    rules = list(selectors.rule_list_for_user(user=request.user))
    context = {
        **_tabs(request, "alerts"),
        "rules": [
            (rule, policy.may_manage_alerts_of(request.user, unit_id=rule.unit_id))
            for rule in rules
        ],
    }
    return render(request, "analysis/rule_list.html", context)


def _managed_units(request: AuthenticatedHttpRequest) -> Any:
    ids = [
        unit_id
        for unit_id in policy.listening_unit_ids(request.user)
        if policy.may_manage_alerts_of(request.user, unit_id=unit_id)
    ]
    return Unit.objects.filter(pk__in=ids).order_by("code")


def _rule_data(form: AlertRuleForm) -> services.RuleData:
    data = form.cleaned_data
    return services.RuleData(
        unit=data["unit"],
        name=data["name"],
        kind=data["kind"],
        topic=data.get("topic"),
        window_hours=data["window_hours"],
        baseline_hours=data["baseline_hours"],
        threshold_ratio=data["threshold_ratio"],
        min_posts=data["min_posts"],
        cooldown_minutes=data["cooldown_minutes"],
        notify_email=bool(data.get("notify_email")),
        is_active=bool(data.get("is_active")),
    )


@in_headquarters_time
@login_required
def rule_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require(request.user, "listening.manage_alerts")
    units = _managed_units(request)
    topics = selectors.topic_list_for_user(user=request.user)
    form = AlertRuleForm(
        request.POST or None,
        units=units,
        topics=topics,
        initial={"unit": units.first()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.rule_create(actor=request.user, data=_rule_data(form), request=request)
        except ApplicationError as exc:
            apply_application_error(form, exc)
        else:
            messages.success(request, _("Alert rule saved."))
            return redirect("analysis:rule_list")
    return render(
        request, "analysis/rule_form.html", {**_tabs(request, "alerts"), "form": form, "rule": None}
    )


@in_headquarters_time
@login_required
def rule_edit(request: AuthenticatedHttpRequest, rule_id: int) -> HttpResponse:
    policy.require(request.user, "listening.manage_alerts")
    rule = selectors.rule_get_for_user(user=request.user, rule_id=rule_id)
    if not policy.may_manage_alerts_of(request.user, unit_id=rule.unit_id):
        raise PermissionDenied
    initial = {
        name: getattr(rule, name)
        for name in (
            "name",
            "unit",
            "kind",
            "topic",
            "window_hours",
            "baseline_hours",
            "threshold_ratio",
            "min_posts",
            "cooldown_minutes",
            "notify_email",
            "is_active",
        )
    }
    form = AlertRuleForm(
        request.POST or None,
        units=_managed_units(request),
        topics=selectors.topic_list_for_user(user=request.user),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.rule_update(
                actor=request.user, rule=rule, data=_rule_data(form), request=request
            )
        except ApplicationError as exc:
            apply_application_error(form, exc)
        else:
            messages.success(request, _("Alert rule saved."))
            return redirect("analysis:rule_list")
    return render(
        request, "analysis/rule_form.html", {**_tabs(request, "alerts"), "form": form, "rule": rule}
    )


@in_headquarters_time
@login_required
@require_POST
def rule_delete(request: AuthenticatedHttpRequest, rule_id: int) -> HttpResponse:
    policy.require(request.user, "listening.manage_alerts")
    rule: AlertRule = selectors.rule_get_for_user(user=request.user, rule_id=rule_id)
    try:
        services.rule_delete(actor=request.user, rule=rule, request=request)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Alert rule deleted."))
    return redirect("analysis:rule_list")


# --- statements ---------------------------------------------------------------------


@in_headquarters_time
@never_cache
@login_required
@require_GET
def statement_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_view(request)
    page_obj = paginate(request, selectors.statement_list_for_user(user=request.user))
    return render(
        request,
        "analysis/statement_list.html",
        {**_tabs(request, "statements"), "page_obj": page_obj},
    )


def _statement_data(form: StatementForm) -> services.StatementData:
    data = form.cleaned_data
    return services.StatementData(
        title=data["title"],
        text=data["text"],
        published_at=data["published_at"],
        channels=data.get("channels") or "",
        terms=data["terms"],
        follow_hours=data["follow_hours"],
    )


@in_headquarters_time
@login_required
def statement_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require(request.user, "listening.manage_statements")
    form = StatementForm(
        request.POST or None,
        initial={"published_at": timezone.now().replace(second=0, microsecond=0)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            statement = services.statement_create(
                actor=request.user, data=_statement_data(form), request=request
            )
        except ApplicationError as exc:
            apply_application_error(form, exc)
        else:
            messages.success(request, _("Statement registered. Sifara now follows the reaction."))
            return redirect("analysis:statement_detail", statement_id=statement.pk)
    return render(
        request,
        "analysis/statement_form.html",
        {**_tabs(request, "statements"), "form": form, "statement": None},
    )


@in_headquarters_time
@login_required
def statement_edit(request: AuthenticatedHttpRequest, statement_id: int) -> HttpResponse:
    policy.require(request.user, "listening.manage_statements")
    statement = selectors.statement_get_for_user(user=request.user, statement_id=statement_id)
    initial = {
        "title": statement.title,
        "text": statement.text,
        "published_at": statement.published_at,
        "channels": statement.channels,
        "terms": statement.terms,
        "follow_hours": statement.follow_hours,
    }
    form = StatementForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.statement_update(
                actor=request.user, statement=statement, data=_statement_data(form), request=request
            )
        except ApplicationError as exc:
            apply_application_error(form, exc)
        else:
            messages.success(request, _("Statement saved."))
            return redirect("analysis:statement_detail", statement_id=statement.pk)
    return render(
        request,
        "analysis/statement_form.html",
        {**_tabs(request, "statements"), "form": form, "statement": statement},
    )


@in_headquarters_time
@never_cache
@login_required
@require_GET
def statement_detail(request: AuthenticatedHttpRequest, statement_id: int) -> HttpResponse:
    _require_view(request)
    statement: Statement = selectors.statement_get_for_user(
        user=request.user, statement_id=statement_id
    )
    now = timezone.now()
    reaction = selectors.statement_reaction(statement, now=now)
    comparison = selectors.statement_comparison(statement, now=now)
    hours = max([reaction.hours] + [r.hours for _s, r in comparison])
    names = country_names([code for code, _n in reaction.countries])
    page_obj = paginate(
        request, selectors.statement_reactions_for_user(user=request.user, statement=statement)
    )
    context = {
        **_tabs(request, "statements"),
        "statement": statement,
        "reaction": reaction,
        "comparison": comparison,
        "top_responses": selectors.statement_top_responses(statement),
        "languages": [(language_label(code), n) for code, n in reaction.languages],
        "countries": [(names.get(code, code), n) for code, n in reaction.countries],
        "page_obj": page_obj,
        "chart_data": {
            "reaction": charts.reaction_chart(reaction),
            "comparison": charts.comparison_chart(
                [(s.title[:40], r.volume) for s, r in comparison], min(hours, 72)
            ),
            "languages": charts.bars_chart(
                [(language_label(code), n, "") for code, n in reaction.languages[:10]]
            ),
        },
    }
    return render(request, "analysis/statement_detail.html", context)


# --- claims -------------------------------------------------------------------------


@in_headquarters_time
@never_cache
@login_required
@require_GET
def claim_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_view(request)
    page_obj = paginate(request, selectors.claim_list_for_user(user=request.user))
    return render(
        request, "analysis/claim_list.html", {**_tabs(request, "claims"), "page_obj": page_obj}
    )


def _claim_data(form: ClaimForm) -> services.ClaimData:
    data = form.cleaned_data
    return services.ClaimData(
        title=data["title"],
        claim_ar=data["claim_ar"],
        claim_en=data["claim_en"],
        variants=data.get("variants") or "",
        rating=data["rating"],
        evidence=data.get("evidence") or "",
        rebuttal_ar=data["rebuttal_ar"],
        rebuttal_en=data["rebuttal_en"],
        rebuttal_url=data.get("rebuttal_url") or "",
        rebutted_at=data.get("rebutted_at"),
        first_seen_url=data.get("first_seen_url") or "",
        first_seen_at=data.get("first_seen_at"),
        threshold=data["threshold"],
        is_active=bool(data.get("is_active")),
    )


@in_headquarters_time
@login_required
def claim_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require(request.user, "listening.manage_claims")
    form = ClaimForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            claim = services.claim_create(
                actor=request.user, data=_claim_data(form), request=request
            )
        except ApplicationError as exc:
            apply_application_error(form, exc)
        else:
            messages.success(request, _("Claim recorded. Posts spreading it are being linked."))
            return redirect("analysis:claim_detail", claim_id=claim.pk)
    return render(
        request,
        "analysis/claim_form.html",
        {**_tabs(request, "claims"), "form": form, "claim": None},
    )


@in_headquarters_time
@login_required
def claim_edit(request: AuthenticatedHttpRequest, claim_id: int) -> HttpResponse:
    policy.require(request.user, "listening.manage_claims")
    claim = selectors.claim_get_for_user(user=request.user, claim_id=claim_id)
    initial = {
        name: getattr(claim, name)
        for name in (
            "title",
            "claim_ar",
            "claim_en",
            "variants",
            "rating",
            "evidence",
            "rebuttal_ar",
            "rebuttal_en",
            "rebuttal_url",
            "rebutted_at",
            "first_seen_url",
            "first_seen_at",
            "threshold",
            "is_active",
        )
    }
    form = ClaimForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.claim_update(
                actor=request.user, claim=claim, data=_claim_data(form), request=request
            )
        except ApplicationError as exc:
            apply_application_error(form, exc)
        else:
            messages.success(request, _("Claim saved."))
            return redirect("analysis:claim_detail", claim_id=claim.pk)
    return render(
        request,
        "analysis/claim_form.html",
        {**_tabs(request, "claims"), "form": form, "claim": claim},
    )


@in_headquarters_time
@never_cache
@login_required
@require_GET
def claim_detail(request: AuthenticatedHttpRequest, claim_id: int) -> HttpResponse:
    _require_view(request)
    claim: Claim = selectors.claim_get_for_user(user=request.user, claim_id=claim_id)
    spread = selectors.claim_spread(claim)
    query = request.GET.get("q", "").strip()[:200]
    page_obj = paginate(request, selectors.claim_links_for_user(user=request.user, claim=claim))
    context = {
        **_tabs(request, "claims"),
        "claim": claim,
        "spread": spread,
        "page_obj": page_obj,
        "query": query,
        "search_results": selectors.post_search_for_claim(
            user=request.user, claim=claim, query=query
        )
        if query and policy.can(request.user, "listening.manage_claims")
        else [],
        "languages": [(language_label(code), n) for code, n in spread.languages],
        "chart_data": {"spread": charts.spread_chart(spread)} if spread.total else None,
        "reviews": [
            (language, json_ld(claimreview.claim_review(claim, language=language)))
            for language in claimreview.LANGUAGES
        ],
    }
    return render(request, "analysis/claim_detail.html", context)


@in_headquarters_time
@login_required
@require_POST
def claim_link(request: AuthenticatedHttpRequest, claim_id: int) -> HttpResponse:
    policy.require(request.user, "listening.manage_claims")
    claim = selectors.claim_get_for_user(user=request.user, claim_id=claim_id)
    form = LinkPostForm(request.POST)
    post = Post.objects.filter(pk=form.cleaned_data["post"]).first() if form.is_valid() else None
    if post is None:
        messages.error(request, _("That post does not exist."))
    else:
        services.claim_link_post(actor=request.user, claim=claim, post=post, request=request)
        messages.success(request, _("Post linked to the claim."))
    return redirect("analysis:claim_detail", claim_id=claim.pk)


@in_headquarters_time
@login_required
@require_POST
def claim_unlink(request: AuthenticatedHttpRequest, claim_id: int, link_id: int) -> HttpResponse:
    policy.require(request.user, "listening.manage_claims")
    claim = selectors.claim_get_for_user(user=request.user, claim_id=claim_id)
    services.claim_unlink_post(actor=request.user, claim=claim, link_id=link_id, request=request)
    messages.success(request, _("Post unlinked from the claim."))
    return redirect("analysis:claim_detail", claim_id=claim.pk)


@in_headquarters_time
@login_required
@require_GET
def claim_review_json(
    request: AuthenticatedHttpRequest, claim_id: int, language: str
) -> HttpResponseBase:
    """The rebuttal as schema.org ClaimReview JSON-LD (one file per language)."""
    _require_view(request)
    claim = selectors.claim_get_for_user(user=request.user, claim_id=claim_id)
    if language not in claimreview.LANGUAGES:
        raise ApplicationError(_("Choose Arabic or English."), status_code=404)
    document = claimreview.claim_review(claim, language=language)
    response = JsonResponse(
        document,
        json_dumps_params={"ensure_ascii": False, "indent": 2},
        content_type="application/ld+json; charset=utf-8",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="claimreview-{claim.pk}-{language}.jsonld"'
    )
    return response


# --- coordinated behaviour ----------------------------------------------------------


@in_headquarters_time
@never_cache
@login_required
@require_GET
def cluster_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_view(request)
    page_obj = paginate(request, selectors.cluster_list_for_user(user=request.user))
    return render(
        request, "analysis/cluster_list.html", {**_tabs(request, "clusters"), "page_obj": page_obj}
    )


@in_headquarters_time
@never_cache
@login_required
@require_GET
def cluster_detail(request: AuthenticatedHttpRequest, cluster_id: int) -> HttpResponse:
    _require_view(request)
    cluster = selectors.cluster_get_for_user(user=request.user, cluster_id=cluster_id)
    view = selectors.cluster_detail(cluster)
    page_obj = paginate(
        request, Post.objects.filter(cluster=cluster).order_by("published_at", "id"), 15
    )
    context = {
        **_tabs(request, "clusters"),
        "cluster": cluster,
        "view": view,
        "page_obj": page_obj,
        "languages": [(language_label(code), n) for code, n in view.languages],
        "chart_data": {"timeline": charts.timeline_chart(view.timeline)},
    }
    return render(request, "analysis/cluster_detail.html", context)


def json_ld(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2)
