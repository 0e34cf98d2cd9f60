from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArchiveConfig(AppConfig):
    name = "sifara.archive"
    label = "archive"
    verbose_name = _("Archive of agreements")

    def ready(self) -> None:
        from sifara.archive.services import agreement_search_document
        from sifara.core import search

        search.register("agreement", agreement_search_document)
