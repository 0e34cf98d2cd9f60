# TEMPORARY: being implemented (identity helper replaces this file).
from rest_framework.routers import DefaultRouter


def register(router: DefaultRouter) -> None:
    return None
