"""Pages of the operations rooms module, under /rooms/."""

from django.urls import URLPattern, URLResolver, path

from sifara.rooms import views

app_name = "rooms"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.room_list, name="room_list"),
    path("new/", views.room_new, name="room_new"),
    path("<id:room_id>/", views.room_detail, name="room_detail"),
    path("<id:room_id>/timeline/", views.timeline, name="timeline"),
    path("<id:room_id>/entries/", views.entry_post, name="entry_post"),
    path("<id:room_id>/tasks/", views.task_create, name="task_create"),
    path("<id:room_id>/tasks/<id:task_id>/done/", views.task_done, name="task_done"),
    path("<id:room_id>/checklist/<id:item_id>/", views.checklist_set, name="checklist_set"),
    path("<id:room_id>/members/", views.member_add, name="member_add"),
    path("<id:room_id>/members/<id:member_id>/remove/", views.member_remove, name="member_remove"),
    path("<id:room_id>/guests/", views.guest_invite, name="guest_invite"),
    path("<id:room_id>/cables/", views.cable_link, name="cable_link"),
    path("<id:room_id>/close/", views.room_close, name="room_close"),
    path("<id:room_id>/situation-log.pdf", views.export_pdf, name="export_pdf"),
    path("<id:room_id>/situation-log.html", views.export_html, name="export_html"),
]
