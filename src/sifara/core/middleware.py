"""Render :class:`ApplicationError` raised from page views with one template."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from sifara.core.errors import ApplicationError


class ApplicationErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, ApplicationError):
            return None
        template = (
            "errors/partials/application_error.html"
            if getattr(request, "htmx", False)
            else "errors/application_error.html"
        )
        return render(request, template, {"error": exception}, status=exception.status_code)
