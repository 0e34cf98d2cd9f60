"""The sources pages: every source with its health, one source's details and
skipped items, and the form to add a source."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sifara.core import policy
from sifara.core.errors import ApplicationError
from sifara.core.forms import apply_application_error
from sifara.core.i18n import in_headquarters_time
from sifara.core.types import AuthenticatedHttpRequest
from sifara.directory.models import localized
from sifara.listening import selectors, services
from sifara.listening.forms import SourceForm, WatchTermForm, WatchTopicForm
from sifara.listening.models import WatchTopic


def _config_rows(config: dict[str, object]) -> list[tuple[str, str]]:
    """The configuration as labelled rows (known keys translated, lists joined)."""
    labels = {
        "url": _("Feed address"),
        "instance": _("Mastodon server"),
        "hashtag": _("Hashtag"),
        "channel": _("Telegram channel"),
        "keywords": _("Keywords"),
        "languages": _("Languages"),
        "country": _("Country code"),
        "endpoint": _("Stream address"),
    }
    rows = []
    for key, value in sorted(config.items()):
        shown = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
        rows.append((labels.get(key, key), shown))
    return rows


@in_headquarters_time
@login_required
def source_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    sources = list(selectors.source_list_for_user(user=request.user))
    now = timezone.now()
    rows = [(source, selectors.source_health(source=source, now=now)) for source in sources]
    template = (
        "listening/partials/source_table.html" if request.htmx else "listening/source_list.html"
    )
    return render(
        request,
        template,
        {
            "rows": rows,
            "can_manage": policy.can(request.user, "listening.manage_sources"),
            "flagged": sum(1 for _s, h in rows if h.state == selectors.FLAGGED),
        },
    )


@in_headquarters_time
@login_required
def source_detail(request: AuthenticatedHttpRequest, source_id: int) -> HttpResponse:
    source = selectors.source_get_for_user(user=request.user, source_id=source_id)
    return render(
        request,
        "listening/source_detail.html",
        {
            "source": source,
            "health": selectors.source_health(source=source, now=timezone.now()),
            "skipped": selectors.skipped_for_source(user=request.user, source=source),
            "config": _config_rows(source.config),
            "has_credentials": source.credentials is not None,
            "can_manage": policy.can(request.user, "listening.manage_sources"),
        },
    )


@in_headquarters_time
@login_required
def source_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    selectors.source_list_for_user(user=request.user)  # 404 for those who cannot see sources
    policy.require(request.user, "listening.manage_sources")
    form = SourceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            source = services.source_create(
                actor=request.user,
                name=form.cleaned_data["name"],
                title=form.cleaned_data["title"],
                platform=form.cleaned_data["platform"],
                config=form.config(),
                credentials=form.credentials(),
                is_active=form.cleaned_data["is_active"],
                poll_interval_s=form.cleaned_data["poll_interval_s"],
                request=request,
            )
        except ApplicationError as exc:
            apply_application_error(form, exc)
        else:
            messages.success(request, _("Source added."))
            return redirect("listening:source_detail", source_id=source.pk)
    return render(request, "listening/source_form.html", {"form": form})


@in_headquarters_time
@login_required
@require_POST
def source_toggle(request: AuthenticatedHttpRequest, source_id: int) -> HttpResponse:
    source = selectors.source_get_for_user(user=request.user, source_id=source_id)
    services.source_update(
        actor=request.user, source=source, is_active=not source.is_active, request=request
    )
    if source.is_active:
        messages.success(request, _("Source activated; its back-off was cleared."))
    else:
        messages.success(request, _("Source paused."))
    return redirect("listening:source_detail", source_id=source.pk)


# --- watch-lists ---------------------------------------------------------------------

#: "Recent" matches on the watch-list pages: the last seven days.
RECENT_MATCHES = timedelta(days=7)


def _require_manage(request: AuthenticatedHttpRequest) -> None:
    selectors.watch_topic_list_for_user(user=request.user)  # 404 for those who cannot see
    policy.require(request.user, "listening.manage_watchlists")


def _topic_units(request: AuthenticatedHttpRequest, topic: WatchTopic | None = None) -> set[int]:
    units = set(policy.listening_unit_ids(request.user))
    if topic is not None:
        units.add(topic.owner_unit_id)
    return units


@in_headquarters_time
@login_required
def watch_topic_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    topics = list(
        selectors.watch_topic_rows_for_user(
            user=request.user, since=timezone.now() - RECENT_MATCHES
        ).order_by("-is_active", "name_en")
    )
    for topic in topics:
        topic.display_name = localized(topic, "name")  # type: ignore[attr-defined]
    return render(
        request,
        "listening/watch_topic_list.html",
        {
            "topics": topics,
            "can_manage": policy.can(request.user, "listening.manage_watchlists"),
            "recent_days": RECENT_MATCHES.days,
        },
    )


def _topic_context(
    request: AuthenticatedHttpRequest, topic: WatchTopic, **extra: object
) -> dict[str, object]:
    since = timezone.now() - RECENT_MATCHES
    return {
        "topic": topic,
        "topic_name": localized(topic, "name"),
        "terms": list(topic.terms.order_by("-is_high_priority", "text")),
        "recent_matches": topic.matches.filter(published_at__gte=since).count(),
        "recent_days": RECENT_MATCHES.days,
        "can_manage": policy.can(request.user, "listening.manage_watchlists"),
        **extra,
    }


@in_headquarters_time
@login_required
def watch_topic_detail(request: AuthenticatedHttpRequest, topic_id: int) -> HttpResponse:
    topic = selectors.watch_topic_get_for_user(user=request.user, topic_id=topic_id)
    context = _topic_context(request, topic, term_form=WatchTermForm(topic=topic))
    return render(request, "listening/watch_topic_detail.html", context)


@in_headquarters_time
@login_required
def watch_topic_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_manage(request)
    form = WatchTopicForm(request.POST or None, unit_ids=_topic_units(request))
    if request.method == "POST" and form.is_valid():
        try:
            topic = services.watch_topic_create(
                actor=request.user,
                name_en=form.cleaned_data["name_en"],
                name_ar=form.cleaned_data["name_ar"],
                owner_unit=form.cleaned_data["owner_unit"],
                request=request,
            )
        except ApplicationError as exc:
            apply_application_error(form, exc)
        else:
            messages.success(request, _("Topic created. Now add its terms."))
            return redirect("listening:watch_topic_detail", topic_id=topic.pk)
    return render(request, "listening/watch_topic_form.html", {"form": form, "topic": None})


@in_headquarters_time
@login_required
def watch_topic_edit(request: AuthenticatedHttpRequest, topic_id: int) -> HttpResponse:
    topic = selectors.watch_topic_get_for_user(user=request.user, topic_id=topic_id)
    policy.require(request.user, "listening.manage_watchlists")
    initial = {"name_ar": topic.name_ar, "name_en": topic.name_en, "owner_unit": topic.owner_unit}
    form = WatchTopicForm(
        request.POST or None, initial=initial, unit_ids=_topic_units(request, topic)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.watch_topic_update(
                actor=request.user,
                topic=topic,
                name_en=form.cleaned_data["name_en"],
                name_ar=form.cleaned_data["name_ar"],
                owner_unit=form.cleaned_data["owner_unit"],
                request=request,
            )
        except ApplicationError as exc:
            apply_application_error(form, exc)
        else:
            messages.success(request, _("Topic saved."))
            return redirect("listening:watch_topic_detail", topic_id=topic.pk)
    return render(
        request,
        "listening/watch_topic_form.html",
        {"form": form, "topic": topic, "topic_name": localized(topic, "name")},
    )


@in_headquarters_time
@login_required
@require_POST
def watch_topic_toggle(request: AuthenticatedHttpRequest, topic_id: int) -> HttpResponse:
    topic = selectors.watch_topic_get_for_user(user=request.user, topic_id=topic_id)
    services.watch_topic_set_active(
        actor=request.user, topic=topic, is_active=not topic.is_active, request=request
    )
    if topic.is_active:
        messages.success(request, _("Topic activated; new posts are matched against it."))
    else:
        messages.success(request, _("Topic deactivated; new posts are no longer matched."))
    return redirect("listening:watch_topic_detail", topic_id=topic.pk)


def _terms_response(
    request: AuthenticatedHttpRequest, topic: WatchTopic, form: WatchTermForm, status: int = 200
) -> HttpResponse:
    context = _topic_context(request, topic, term_form=form)
    return render(request, "listening/partials/watch_terms.html", context, status=status)


@in_headquarters_time
@login_required
@require_POST
def watch_term_add(request: AuthenticatedHttpRequest, topic_id: int) -> HttpResponse:
    topic = selectors.watch_topic_get_for_user(user=request.user, topic_id=topic_id)
    policy.require(request.user, "listening.manage_watchlists")
    form = WatchTermForm(request.POST, topic=topic)
    if form.is_valid():
        try:
            services.watch_term_add(
                actor=request.user,
                topic=topic,
                text=form.cleaned_data["text"],
                is_high_priority=form.cleaned_data["is_high_priority"],
                request=request,
            )
        except ApplicationError as exc:
            apply_application_error(form, exc, message_field="text")
        else:
            if request.htmx:
                return _terms_response(request, topic, WatchTermForm(topic=topic))
            messages.success(request, _("Term added."))
            return redirect("listening:watch_topic_detail", topic_id=topic.pk)
    if request.htmx:
        return _terms_response(request, topic, form)
    context = _topic_context(request, topic, term_form=form)
    return render(request, "listening/watch_topic_detail.html", context, status=400)


@in_headquarters_time
@login_required
@require_POST
def watch_term_remove(
    request: AuthenticatedHttpRequest, topic_id: int, term_id: int
) -> HttpResponse:
    topic = selectors.watch_topic_get_for_user(user=request.user, topic_id=topic_id)
    term = selectors.watch_term_get_for_user(user=request.user, topic=topic, term_id=term_id)
    services.watch_term_remove(actor=request.user, term=term, request=request)
    if request.htmx:
        return _terms_response(request, topic, WatchTermForm(topic=topic))
    messages.success(request, _("Term removed."))
    return redirect("listening:watch_topic_detail", topic_id=topic.pk)
