from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalysisConfig(AppConfig):
    name = "sifara.analysis"
    label = "analysis"
    verbose_name = _("Listening analysis")

    def ready(self) -> None:
        from sifara.analysis import hooks

        hooks.register()
