"""Pages of the listening module (mounted at /listening/sources/)."""

from django.urls import URLPattern, URLResolver, path

from sifara.listening import views

app_name = "listening"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.source_list, name="source_list"),
    path("new/", views.source_create, name="source_create"),
    path("<int:source_id>/", views.source_detail, name="source_detail"),
    path("<int:source_id>/toggle/", views.source_toggle, name="source_toggle"),
    path("watchlists/", views.watch_topic_list, name="watch_topic_list"),
    path("watchlists/new/", views.watch_topic_create, name="watch_topic_create"),
    path("watchlists/<int:topic_id>/", views.watch_topic_detail, name="watch_topic_detail"),
    path("watchlists/<int:topic_id>/edit/", views.watch_topic_edit, name="watch_topic_edit"),
    path("watchlists/<int:topic_id>/toggle/", views.watch_topic_toggle, name="watch_topic_toggle"),
    path("watchlists/<int:topic_id>/terms/", views.watch_term_add, name="watch_term_add"),
    path(
        "watchlists/<int:topic_id>/terms/<int:term_id>/remove/",
        views.watch_term_remove,
        name="watch_term_remove",
    ),
]
