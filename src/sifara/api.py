"""The one API router, mounted at ``/api/v1/``."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from sifara.accounts import api as accounts_api
from sifara.accounts import public_api as accounts_public_api
from sifara.analysis import api as analysis_api
from sifara.archive import api as archive_api
from sifara.audit import api as audit_api
from sifara.cables import api as cables_api
from sifara.directory import api as directory_api
from sifara.identity import api as identity_api
from sifara.listening import api as listening_api
from sifara.rooms import api as rooms_api

router = DefaultRouter()
directory_api.register(router)
identity_api.register(router)
audit_api.register(router)
accounts_api.register(router)
accounts_public_api.register(router)
cables_api.register(router)
rooms_api.register(router)
archive_api.register(router)
listening_api.register(router)
analysis_api.register(router)

urlpatterns = [
    path("", include(router.urls)),
]
