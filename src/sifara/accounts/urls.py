"""Registry pages, mounted at ``/accounts/`` (the review queue has its own
URLs under ``/accounts/review/``)."""

from django.urls import path

from sifara.accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.registry, name="registry"),
    path("new/", views.account_create, name="account_create"),
    path("<id:account_id>/", views.account_detail, name="account_detail"),
    path("<id:account_id>/edit/", views.account_edit, name="account_edit"),
    path("<id:account_id>/posture/", views.account_posture, name="account_posture"),
    path("<id:account_id>/audits/", views.audit_record, name="audit_record"),
    path("security/", views.security_board, name="security_board"),
    path("guide/", views.guide_index, name="guide_index"),
    path("guide/<str:country>/", views.guide_country, name="guide_country"),
    path("guide/entries/<id:usage_id>/remove/", views.guide_remove, name="guide_remove"),
    path("personal/", views.personal_list, name="personal_list"),
    path("personal/<id:account_id>/remove/", views.personal_remove, name="personal_remove"),
]
