"""Dashboard, health check and error pages."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from sifara import audit
from sifara.core import i18n
from sifara.core.api import error_body
from sifara.core.types import AuthenticatedHttpRequest
from sifara.directory import selectors as directory_selectors

logger = logging.getLogger(__name__)


@login_required
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    from sifara.rooms.selectors import user_is_room_guest_only

    if user_is_room_guest_only(user=request.user):
        # Outside guests see nothing beyond their operations rooms.
        return redirect("rooms:room_list")
    context = directory_selectors.dashboard_for_user(user=request.user)
    return render(request, "core/dashboard.html", context)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and readiness for load balancers: database and queue."""
    checks: dict[str, str] = {}
    healthy = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except Exception:
        logger.exception("health check: database unavailable")
        checks["database"] = "unavailable"
        healthy = False
    try:
        from sifara.huey import queue_ping

        queue_ping()
        checks["queue"] = "ok"
    except Exception:
        logger.exception("health check: queue unavailable")
        checks["queue"] = "unavailable"
        healthy = False
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _error_page(
    request: HttpRequest, status: int, title: str, message: str, code: str = ""
) -> HttpResponse:
    if _wants_json(request):
        code = code or {400: "bad_request", 403: "permission_denied", 404: "not_found"}.get(
            status, "error"
        )
        return JsonResponse(error_body(code, message), status=status)
    context: dict[str, Any] = {"status": status, "title": title, "message": message}
    return render(request, "errors/error.html", context, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, RequestDataTooBig | TooManyFieldsSent):
        limit_mb = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024)
        return _error_page(
            request,
            400,
            _("Request too large"),
            _("The request is larger than the %(limit)s MB this server accepts. Nothing was saved.")
            % {"limit": i18n.format_number(round(limit_mb, 1))},
            code="request_too_large",
        )
    return _error_page(
        request,
        400,
        _("Bad request"),
        _("The request could not be processed because it is malformed. Nothing was saved."),
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(
        request, 403, _("Access denied"), _("You do not have permission to do this.")
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(
        request,
        404,
        _("Page not found"),
        _("The page you asked for does not exist or you are not allowed to see it."),
    )


def server_error(request: HttpRequest) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse(error_body("server_error", "Internal error / خطأ داخلي"), status=500)
    # Rendered without a request context: the template is bilingual and static.
    return HttpResponse(loader.get_template("errors/500.html").render(), status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    audit.record(
        actor=getattr(request, "user", None),
        action="security.csrf_failure",
        details={"path": request.path[:200], "reason": reason[:200]},
        request=request,
    )
    return _error_page(
        request,
        403,
        _("Security check failed"),
        _("The form's security token was missing or invalid. Reload the page and try again."),
    )
