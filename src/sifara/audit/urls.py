# TEMPORARY: being implemented (audit helper replaces this file).
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path

app_name = "audit"


def _todo(request: HttpRequest) -> HttpResponse:
    raise Http404


urlpatterns = [path("", _todo, name="event_list")]
