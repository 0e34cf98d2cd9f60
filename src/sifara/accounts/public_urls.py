"""Public verification pages, mounted at ``/verify/`` (no login)."""

from django.urls import URLPattern, path

from sifara.accounts import public_views

app_name = "verify"
urlpatterns: list[URLPattern] = [
    path("", public_views.verify_view, name="verify"),
    path("accounts/", public_views.directory_view, name="directory"),
    path("about/", public_views.about_view, name="about"),
    path("registry.json", public_views.registry_json_view, name="registry_json"),
    path("registry.json.sig", public_views.registry_signature_view, name="registry_signature"),
    path("public-key.pem", public_views.public_key_view, name="public_key"),
]
