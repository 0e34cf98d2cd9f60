from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    name = "sifara.identity"
    label = "identity"
    verbose_name = _("Identity")

    def ready(self) -> None:
        from sifara.identity import schema  # noqa: F401  (registers OpenAPI extensions)
