"""Identity pages, mounted at ``/identity/``."""

from django.urls import path

from sifara.identity import views

app_name = "identity"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("otp/", views.otp_view, name="otp"),
    path("otp/enrol/", views.otp_enrol_view, name="otp_enrol"),
    path("logout/", views.logout_view, name="logout"),
    path("language/", views.language_view, name="language"),
    path("password/", views.password_change_view, name="password_change"),
    path("recovery-codes/", views.recovery_codes_view, name="recovery_codes"),
    path("tokens/", views.token_list_view, name="token_list"),
    path("tokens/<id:token_id>/revoke/", views.token_revoke_view, name="token_revoke"),
    path("people/<id:person_id>/reset/", views.person_reset_view, name="person_reset"),
]
