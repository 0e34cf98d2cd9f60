from django.urls import path

from sifara.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.event_list, name="event_list"),
    path("export.csv", views.event_export, name="event_export"),
    path("verify/", views.chain_status, name="chain_status"),
]
