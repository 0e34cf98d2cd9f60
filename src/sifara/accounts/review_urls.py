"""TEMPORARY: being implemented."""

from django.urls import URLPattern

app_name = "accounts_review"
urlpatterns: list[URLPattern] = []
