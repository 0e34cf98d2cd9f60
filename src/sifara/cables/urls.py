"""Pages of the cables module, mounted at ``/cables/``."""

from django.urls import URLPattern, URLResolver, path

from sifara.cables import views

app_name = "cables"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.inbox, name="inbox"),
    path("drafts/", views.drafts, name="drafts"),
    path("sent/", views.sent, name="sent"),
    path("search/", views.search, name="search"),
    path("new/", views.cable_create, name="create"),
    path("roster/", views.duty_roster, name="roster"),
    path("push/subscribe/", views.push_subscribe, name="push_subscribe"),
    path("push/unsubscribe/", views.push_unsubscribe, name="push_unsubscribe"),
    path("<id:cable_id>/", views.cable_detail, name="detail"),
    path("<id:cable_id>/edit/", views.cable_edit, name="edit"),
    path("<id:cable_id>/clearers/", views.clearance_request, name="clearance_request"),
    path("<id:cable_id>/clear/", views.cable_clear, name="clear"),
    path("<id:cable_id>/release/", views.cable_release, name="release"),
    path("<id:cable_id>/recall/", views.cable_recall, name="recall"),
    path("<id:cable_id>/acknowledge/", views.cable_acknowledge, name="acknowledge"),
    path("<id:cable_id>/grant/", views.cable_grant, name="grant"),
    path("<id:cable_id>/attachments/", views.attachment_add, name="attachment_add"),
    path(
        "<id:cable_id>/attachments/<id:attachment_id>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path(
        "<id:cable_id>/attachments/<id:attachment_id>/remove/",
        views.attachment_remove,
        name="attachment_remove",
    ),
    path("<id:cable_id>/export.json", views.cable_export, name="export"),
]
