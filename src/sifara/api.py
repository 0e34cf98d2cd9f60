"""The one API router, mounted at ``/api/v1/``."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from sifara.audit import api as audit_api
from sifara.directory import api as directory_api
from sifara.identity import api as identity_api

router = DefaultRouter()
directory_api.register(router)
identity_api.register(router)
audit_api.register(router)

urlpatterns = [
    path("", include(router.urls)),
]
