from django.urls import path

from sifara.directory import views

app_name = "directory"

urlpatterns = [
    path("", views.unit_list, name="unit_list"),
    path("units/<id:unit_id>/", views.unit_detail, name="unit_detail"),
    path("units/new/", views.unit_create, name="unit_create"),
    path("units/<id:unit_id>/edit/", views.unit_edit, name="unit_edit"),
    path("people/", views.person_list, name="person_list"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/<id:person_id>/", views.person_detail, name="person_detail"),
    path("people/<id:person_id>/access/", views.person_access, name="person_access"),
    path("people/<id:person_id>/memberships/", views.membership_add, name="membership_add"),
    path(
        "people/<id:person_id>/memberships/<id:membership_id>/remove/",
        views.membership_remove,
        name="membership_remove",
    ),
]
