from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CablesConfig(AppConfig):
    name = "sifara.cables"
    label = "cables"
    verbose_name = _("Cables")

    def ready(self) -> None:
        from sifara.cables import search

        search.register()
