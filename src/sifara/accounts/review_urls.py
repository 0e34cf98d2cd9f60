"""The impersonation radar's review queue and takedown cases, under /accounts/review/."""

from django.urls import path

from sifara.accounts import review_views as views

app_name = "accounts_review"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("new/", views.candidate_new, name="candidate_new"),
    path("<id:candidate_id>/", views.candidate_detail, name="candidate_detail"),
    path("<id:candidate_id>/confirm/", views.candidate_confirm, name="candidate_confirm"),
    path("<id:candidate_id>/dismiss/", views.candidate_dismiss, name="candidate_dismiss"),
    path("cases/<id:case_id>/", views.takedown_detail, name="takedown_detail"),
    path("cases/<id:case_id>/update/", views.takedown_update, name="takedown_update"),
    path("cases/<id:case_id>/evidence/", views.evidence_add, name="evidence_add"),
    path(
        "cases/<id:case_id>/evidence/<id:evidence_id>/",
        views.evidence_file,
        name="evidence_file",
    ),
    path("cases/<id:case_id>/pack.pdf", views.evidence_pack_pdf, name="evidence_pack_pdf"),
    path("cases/<id:case_id>/pack.zip", views.evidence_pack_zip, name="evidence_pack_zip"),
]
