# TEMPORARY: being implemented (identity helper replaces this file).
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path

app_name = "identity"


def _todo(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


urlpatterns = [
    path(f"{name}/", _todo, name=name)
    for name in ["login", "logout", "otp", "language", "token_list", "password_change"]
]
