from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoomsConfig(AppConfig):
    name = "sifara.rooms"
    label = "rooms"
    verbose_name = _("Operations rooms")
