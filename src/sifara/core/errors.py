"""Errors a user can cause.

Raise :class:`ApplicationError` with a translated message; the one DRF
exception handler (:mod:`sifara.core.api`) and the one page template
(``errors/application_error.html``) render it. Never a 500 from bad input.
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise


class ApplicationError(Exception):
    status_code = 400
    code = "invalid"

    def __init__(
        self,
        message: str | Promise,
        *,
        code: str | None = None,
        status_code: int | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(str(message))
        self.message = message
        if code is not None:
            self.code = code
        if status_code is not None:
            self.status_code = status_code
        self.details = details or {}


class PermissionDeniedError(ApplicationError):
    status_code = 403
    code = "permission_denied"


class NotFoundError(ApplicationError):
    status_code = 404
    code = "not_found"
