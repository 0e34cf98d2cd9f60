"""Pages of the archive of agreements, mounted at ``/archive/``."""

from django.urls import URLPattern, URLResolver, path

from sifara.archive import views

app_name = "archive"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.search, name="search"),
    path("agreements/new/", views.agreement_create, name="agreement_create"),
    path("agreements/<id:agreement_id>/", views.agreement_detail, name="agreement_detail"),
    path("agreements/<id:agreement_id>/edit/", views.agreement_edit, name="agreement_edit"),
    path("agreements/<id:agreement_id>/files/", views.file_attach, name="file_attach"),
    path("agreements/<id:agreement_id>/actions/", views.party_action_add, name="party_action_add"),
    path("agreements/<id:agreement_id>/relations/", views.relation_add, name="relation_add"),
    path("files/<id:file_id>/", views.file_text, name="file_text"),
    path("files/<id:file_id>/download/", views.file_download, name="file_download"),
    path("ministries/<id:unit_id>/", views.ministry_page, name="ministry"),
    path("countries/<str:code>/", views.country_page, name="country"),
    path("timeline/", views.timeline, name="timeline"),
    path("deadlines/", views.deadlines, name="deadlines"),
    path("topics/", views.topics, name="topics"),
    path("export.<str:fmt>", views.export_records, name="export"),
]
