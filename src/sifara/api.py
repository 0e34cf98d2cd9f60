"""The one API router, mounted at ``/api/v1/``."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from sifara.accounts import api as accounts_api
from sifara.accounts import public_api as accounts_public_api
from sifara.audit import api as audit_api
from sifara.directory import api as directory_api
from sifara.identity import api as identity_api

router = DefaultRouter()
directory_api.register(router)
identity_api.register(router)
audit_api.register(router)
accounts_api.register(router)
accounts_public_api.register(router)

urlpatterns = [
    path("", include(router.urls)),
]
