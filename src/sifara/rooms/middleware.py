"""Confine outside guests to their operations rooms.

A guest (an account with no role in any unit and a guest seat in a room) holds
no capability, so every other module already shows them nothing. This
middleware makes that explicit and uniform: any path outside the rooms, the
sign-in pages they need and static files answers 404 (JSON under ``/api/``),
so a guest cannot even see empty directory or registry pages, nor the API's
structure. Staff are not affected (one cached membership lookup per request).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse

#: What a guest may reach besides their rooms: the dashboard (it redirects them
#: to their rooms), signing in and out, two-factor enrolment, the language
#: switch, their password and recovery codes, static files, the public pages.
GUEST_ALLOWED_PREFIXES = (
    "/rooms/",
    "/identity/login/",
    "/identity/otp/",
    "/identity/logout/",
    "/identity/language/",
    "/identity/password/",
    "/identity/recovery-codes/",
    "/static/",
    "/verify/",
    "/healthz",
)


class GuestConfinementMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        path = request.path
        if (
            user is not None
            and user.is_authenticated
            and path != "/"
            and not path.startswith(GUEST_ALLOWED_PREFIXES)
        ):
            from sifara.rooms.selectors import user_is_room_guest_only

            if user_is_room_guest_only(user=user):
                raise Http404
        return self.get_response(request)
