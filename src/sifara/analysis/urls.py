"""Pages of the analysis module (mounted at /listening/)."""

from django.urls import URLPattern, URLResolver, path

from sifara.analysis import views

app_name = "analysis"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.dashboard, name="dashboard"),
    path("posts/", views.post_list, name="post_list"),
    path("posts/export.csv", views.post_export, name="post_export"),
    path("searches/save/", views.saved_search_save, name="saved_search_save"),
    path("searches/<int:search_id>/delete/", views.saved_search_delete, name="saved_search_delete"),
    path("alerts/", views.alert_list, name="alert_list"),
    path("alerts/<int:alert_id>/", views.alert_detail, name="alert_detail"),
    path("alerts/<int:alert_id>/acknowledge/", views.alert_acknowledge, name="alert_acknowledge"),
    path("alerts/rules/", views.rule_list, name="rule_list"),
    path("alerts/rules/new/", views.rule_new, name="rule_new"),
    path("alerts/rules/<int:rule_id>/", views.rule_edit, name="rule_edit"),
    path("alerts/rules/<int:rule_id>/delete/", views.rule_delete, name="rule_delete"),
    path("statements/", views.statement_list, name="statement_list"),
    path("statements/new/", views.statement_new, name="statement_new"),
    path("statements/<int:statement_id>/", views.statement_detail, name="statement_detail"),
    path("statements/<int:statement_id>/edit/", views.statement_edit, name="statement_edit"),
    path("claims/", views.claim_list, name="claim_list"),
    path("claims/new/", views.claim_new, name="claim_new"),
    path("claims/<int:claim_id>/", views.claim_detail, name="claim_detail"),
    path("claims/<int:claim_id>/edit/", views.claim_edit, name="claim_edit"),
    path("claims/<int:claim_id>/link/", views.claim_link, name="claim_link"),
    path(
        "claims/<int:claim_id>/links/<int:link_id>/unlink/",
        views.claim_unlink,
        name="claim_unlink",
    ),
    path(
        "claims/<int:claim_id>/claimreview-<str:language>.jsonld",
        views.claim_review_json,
        name="claim_review_json",
    ),
    path("clusters/", views.cluster_list, name="cluster_list"),
    path("clusters/<int:cluster_id>/", views.cluster_detail, name="cluster_detail"),
]
