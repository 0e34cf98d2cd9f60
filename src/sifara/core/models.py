"""Shared model building blocks."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class BaseModel(models.Model):
    """Every Sifara model carries creation and update timestamps (UTC)."""

    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class Classification(models.IntegerChoices):
    """Security classification, ordered: a higher value is more sensitive."""

    UNCLASSIFIED = 0, _("Unclassified")
    RESTRICTED = 1, _("Restricted")
    CONFIDENTIAL = 2, _("Confidential")
    SECRET = 3, _("Secret")


class DataKey(BaseModel):
    """A per-record AES-256 data key, stored only wrapped by the master key.

    Records that encrypt content (cable bodies, attachments, archive files)
    point at one of these. ``sifara keys rotate`` re-wraps every row under the
    current master key; the records themselves are never rewritten. ``uid`` is
    bound into the wrapping as associated data, so a wrapped key copied onto
    another row does not unwrap.
    """

    uid = models.UUIDField(_("key identifier"), unique=True, editable=False)
    purpose = models.CharField(_("purpose"), max_length=40)
    master_key_id = models.CharField(_("master key"), max_length=16, db_index=True)
    wrapped = models.BinaryField(_("wrapped key"))

    class Meta:
        verbose_name = _("data key")
        verbose_name_plural = _("data keys")

    def __str__(self) -> str:
        return f"{self.purpose}:{self.uid}"
