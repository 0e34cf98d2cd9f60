"""Root URL configuration."""

from django.contrib import admin
from django.urls import include, path
from django_otp.admin import OTPAdminSite
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from sifara.core import views as core_views

admin.site.__class__ = OTPAdminSite  # the admin also requires a verified second factor

urlpatterns = [
    path("", include("sifara.core.urls")),
    path("healthz", core_views.healthz, name="healthz"),
    path("identity/", include("sifara.identity.urls")),
    path("directory/", include("sifara.directory.urls")),
    path("audit/", include("sifara.audit.urls")),
    path("accounts/review/", include("sifara.accounts.review_urls")),
    path("accounts/", include("sifara.accounts.urls")),
    path("verify/", include("sifara.accounts.public_urls")),
    path("cables/", include("sifara.cables.urls")),
    path("rooms/", include("sifara.rooms.urls")),
    path("archive/", include("sifara.archive.urls")),
    path("listening/sources/", include("sifara.listening.urls")),
    path("listening/", include("sifara.analysis.urls")),
    path("api/v1/", include("sifara.api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]

handler400 = "sifara.core.views.bad_request"
handler403 = "sifara.core.views.permission_denied"
handler404 = "sifara.core.views.page_not_found"
handler500 = "sifara.core.views.server_error"
