"""Cables: drafted by a unit, cleared by colleagues, released (signed) to
addressee units, acknowledged, answered, recalled.

Content of cables above UNCLASSIFIED (subject, paragraphs, attachments) is
stored only encrypted (AES-256-GCM with a per-cable :class:`~sifara.core.models.DataKey`);
metadata needed to route, sort and filter (reference, TAGS, precedence,
classification, units, times) is stored in clear. See docs/cables.md and
docs/decisions/0012-cable-encryption-and-signing.md.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sifara.core.models import BaseModel, Classification, DataKey
from sifara.directory.models import Unit


class Precedence(models.IntegerChoices):
    """Handling precedence, ordered: a higher value is more urgent."""

    ROUTINE = 0, _("Routine")
    IMMEDIATE = 1, _("Immediate")
    NIACT_IMMEDIATE = 2, _("NIACT immediate")
    FLASH = 3, _("Flash")


class CableStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    RELEASED = "released", _("Released")
    RECALLED = "recalled", _("Recalled")


class AddresseeKind(models.TextChoices):
    ACTION = "action", _("For action")
    INFO = "info", _("For information")


class Caption(models.TextChoices):
    """Distribution captions: each narrows who may read a cable."""

    ADDRESSEE_ONLY = "addressee_only", _("Addressee only")
    ACTION_ONLY = "action_only", _("Action addressees only")
    MINISTRY_ONLY = "ministry_only", _("Ministry staff only")


class ReferenceCounter(models.Model):
    """The last reference number issued per prefix and year (``HQ-2026-000123``)."""

    prefix = models.CharField(_("prefix"), max_length=40)
    year = models.PositiveSmallIntegerField(_("year"))
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("reference counter")
        verbose_name_plural = _("reference counters")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["prefix", "year"], name="cable_refcounter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last_number}"


class UnitKey(BaseModel):
    """A unit's Ed25519 signing key. The private seed is stored only encrypted
    (core.crypto); the public key is in clear and certified by the ministry's
    signing key (outside the database), so a swapped public key is detected."""

    unit = models.OneToOneField(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="cable_key"
    )
    public_key = models.BinaryField(_("public key"))
    sealed_seed = models.BinaryField(_("encrypted private key"))
    data_key = models.ForeignKey(DataKey, on_delete=models.PROTECT, related_name="+")
    certificate = models.BinaryField(_("certificate"))

    class Meta:
        verbose_name = _("unit signing key")
        verbose_name_plural = _("unit signing keys")

    def __str__(self) -> str:
        return f"key of unit {self.unit_id}"


class Cable(BaseModel):
    """A cable. Drafts are edited; once released, content is immutable and signed."""

    drafting_unit = models.ForeignKey(
        Unit, verbose_name=_("drafting unit"), on_delete=models.PROTECT, related_name="cables"
    )
    drafter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drafter"),
        on_delete=models.PROTECT,
        related_name="drafted_cables",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=CableStatus.choices, default=CableStatus.DRAFT
    )
    reference = models.CharField(
        _("reference number"), max_length=60, unique=True, null=True, blank=True
    )
    classification = models.PositiveSmallIntegerField(
        _("classification"), choices=Classification.choices, default=Classification.UNCLASSIFIED
    )
    precedence = models.PositiveSmallIntegerField(
        _("precedence"), choices=Precedence.choices, default=Precedence.ROUTINE
    )
    addressee_only = models.BooleanField(_("addressee only"), default=False)
    action_only = models.BooleanField(_("action addressees only"), default=False)
    ministry_only = models.BooleanField(_("ministry staff only"), default=False)
    #: TAGS: subject codes (PREL, ECON, ...) and ISO country codes, upper case.
    tags = models.JSONField(_("TAGS"), default=list, blank=True)
    #: " PREL ECON EG " — for plain database filtering.
    tags_index = models.CharField(max_length=400, blank=True, default="")
    #: Subject and paragraphs in clear: only for UNCLASSIFIED cables.
    subject_text = models.CharField(_("subject"), max_length=300, blank=True, default="")
    body_text = models.TextField(_("body"), blank=True, default="")
    #: Subject and paragraphs encrypted: for every cable above UNCLASSIFIED.
    subject_sealed = models.BinaryField(null=True, blank=True)
    body_sealed = models.BinaryField(null=True, blank=True)
    data_key = models.ForeignKey(
        DataKey, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    in_reply_to = models.ForeignKey(
        "self",
        verbose_name=_("in reply to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replies",
    )
    references = models.ManyToManyField(
        "self", verbose_name=_("references"), symmetrical=False, blank=True, related_name="+"
    )
    #: Idempotency key of the form that created the draft (duplicate submits).
    submission_key = models.UUIDField(null=True, blank=True)
    released_at = models.DateTimeField(_("released"), null=True, blank=True, db_index=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("released by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="released_cables",
    )
    signature = models.BinaryField(null=True, blank=True)
    signing_key = models.ForeignKey(
        UnitKey, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recalled_at = models.DateTimeField(_("recalled"), null=True, blank=True)
    recalled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recalled by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recalled_cables",
    )

    class Meta:
        ordering: ClassVar = ["-released_at", "-id"]
        verbose_name = _("cable")
        verbose_name_plural = _("cables")
        indexes: ClassVar = [
            models.Index(fields=["drafting_unit", "status", "-released_at"], name="cable_unit_st")
        ]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(classification__gte=0, classification__lte=3),
                name="cable_classification_range",
            ),
            models.CheckConstraint(
                condition=Q(precedence__gte=0, precedence__lte=3), name="cable_precedence_range"
            ),
            models.CheckConstraint(
                condition=Q(status="draft")
                | (
                    Q(reference__isnull=False)
                    & Q(released_at__isnull=False)
                    & Q(released_by__isnull=False)
                    & Q(signature__isnull=False)
                ),
                name="cable_released_is_signed",
            ),
            models.CheckConstraint(
                condition=~Q(status="recalled") | Q(recalled_at__isnull=False),
                name="cable_recalled_has_time",
            ),
            models.UniqueConstraint(
                fields=["drafter", "submission_key"],
                condition=Q(submission_key__isnull=False),
                name="cable_submission_once",
            ),
        ]

    def __str__(self) -> str:
        return self.reference or f"draft {self.pk}"

    @property
    def is_encrypted(self) -> bool:
        return self.classification > Classification.UNCLASSIFIED

    @property
    def is_draft(self) -> bool:
        return self.status == CableStatus.DRAFT

    @property
    def requires_acknowledgement(self) -> bool:
        return self.precedence >= Precedence.NIACT_IMMEDIATE

    @property
    def captions(self) -> list[str]:
        return [
            code
            for code, on in (
                (Caption.ADDRESSEE_ONLY, self.addressee_only),
                (Caption.ACTION_ONLY, self.action_only),
                (Caption.MINISTRY_ONLY, self.ministry_only),
            )
            if on
        ]

    def caption_labels(self) -> list[str]:
        return [str(Caption(code).label) for code in self.captions]


class Delivery(BaseModel):
    """An addressee unit of a cable and, once released, its copy in that unit's
    inbox (one row per unit, not per person). Routing and filter fields are
    copied here at release so the inbox is one indexed table."""

    cable = models.ForeignKey(
        Cable, verbose_name=_("cable"), on_delete=models.CASCADE, related_name="deliveries"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="cable_deliveries"
    )
    kind = models.CharField(_("addressee kind"), max_length=8, choices=AddresseeKind.choices)
    position = models.PositiveSmallIntegerField(default=0)
    # Set at release (copies of the cable's fields, for the inbox).
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    sender_unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    classification = models.PositiveSmallIntegerField(default=0)
    precedence = models.PositiveSmallIntegerField(default=0)
    tags_index = models.CharField(max_length=400, blank=True, default="")
    addressee_only = models.BooleanField(default=False)
    action_only = models.BooleanField(default=False)
    ministry_only = models.BooleanField(default=False)
    requires_ack = models.BooleanField(default=False)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    # Handling state.
    first_read_at = models.DateTimeField(_("first read"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    last_notified_at = models.DateTimeField(null=True, blank=True)
    notify_count = models.PositiveSmallIntegerField(default=0)
    escalation_level = models.PositiveSmallIntegerField(default=0)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["position", "id"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["cable", "unit"], name="delivery_unit_once")
        ]
        indexes: ClassVar = [
            models.Index(fields=["unit", "-delivered_at"], name="delivery_inbox"),
            models.Index(
                fields=["unit", "precedence", "-delivered_at"], name="delivery_inbox_prec"
            ),
            models.Index(
                fields=["unit", "requires_ack", "acknowledged_at", "-delivered_at"],
                name="delivery_inbox_ack",
            ),
            # The escalation sweep's rows only (partial), so inbox queries never pick it.
            models.Index(
                fields=["due_at"],
                name="delivery_pending_ack",
                condition=Q(requires_ack=True, acknowledged_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cable_id} → {self.unit_id}"


class Acknowledgement(models.Model):
    """A member of an addressee unit acknowledged a cable (one tap)."""

    delivery = models.ForeignKey(
        Delivery, on_delete=models.CASCADE, related_name="acknowledgements"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField(_("acknowledged"))

    class Meta:
        ordering: ClassVar = ["acknowledged_at"]
        verbose_name = _("acknowledgement")
        verbose_name_plural = _("acknowledgements")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["delivery", "user"], name="ack_once_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.delivery_id} by {self.user_id}"


class ClearanceStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting clearance")
    CLEARED = "cleared", _("Cleared")


class Clearance(BaseModel):
    """A colleague asked to clear a draft (and, once asked, allowed to read it)."""

    cable = models.ForeignKey(Cable, on_delete=models.CASCADE, related_name="clearances")
    clearer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("clearer"),
        on_delete=models.PROTECT,
        related_name="cable_clearances",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ClearanceStatus.choices, default="pending"
    )
    decided_at = models.DateTimeField(_("cleared"), null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["id"]
        verbose_name = _("clearance")
        verbose_name_plural = _("clearances")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["cable", "clearer"], name="clearance_once")
        ]

    def __str__(self) -> str:
        return f"{self.cable_id} cleared by {self.clearer_id}: {self.status}"


class CableGrant(BaseModel):
    """An explicit need-to-know grant of one cable to one person."""

    cable = models.ForeignKey(Cable, on_delete=models.CASCADE, related_name="grants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cable_grants"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("cable grant")
        verbose_name_plural = _("cable grants")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["cable", "user"], name="cable_grant_once")
        ]

    def __str__(self) -> str:
        return f"{self.cable_id} → {self.user_id}"


class Attachment(BaseModel):
    """A file attached to a cable; content encrypted when the cable is classified."""

    cable = models.ForeignKey(Cable, on_delete=models.CASCADE, related_name="attachments")
    position = models.PositiveSmallIntegerField(default=0)
    filename = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    content = models.BinaryField()

    class Meta:
        ordering: ClassVar = ["position", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.filename


class ReleaseAuthority(BaseModel):
    """An explicit grant: ``user`` may release cables of ``unit`` up to
    ``max_classification`` (never above the user's clearance)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="release_authorities"
    )
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="release_authorities")
    max_classification = models.PositiveSmallIntegerField(
        _("up to classification"), choices=Classification.choices
    )

    class Meta:
        verbose_name = _("release authority")
        verbose_name_plural = _("release authorities")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["user", "unit"], name="release_authority_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.unit_id} ≤ {self.max_classification}"


class DutyOfficer(BaseModel):
    """A place on a unit's duty roster. Overdue FLASH and NIACT cables escalate
    to position 1, then 2, and so on."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="duty_roster")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="duty_positions"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=1)

    class Meta:
        ordering: ClassVar = ["unit", "position", "id"]
        verbose_name = _("duty officer")
        verbose_name_plural = _("duty officers")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["unit", "user"], name="duty_officer_once")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} #{self.position}: {self.user_id}"


class PushSubscription(BaseModel):
    """A browser's Web Push subscription (endpoint and keys from the browser)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = models.URLField(_("endpoint"), max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    failures = models.PositiveSmallIntegerField(default=0)
    last_success_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("push subscription")
        verbose_name_plural = _("push subscriptions")

    def __str__(self) -> str:
        return f"push for {self.user_id}"


class NoticeReason(models.TextChoices):
    DELIVERED = "delivered", _("Delivered")
    RENOTIFY = "renotify", _("Reminder")
    ESCALATED = "escalated", _("Escalated to duty officer")


class Notice(models.Model):
    """One notification to one person about one delivery. Content-free: the
    message shows only precedence, reference number and sender."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="notices")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cable_notices"
    )
    reason = models.CharField(max_length=12, choices=NoticeReason.choices)
    created_at = models.DateTimeField(_("sent"), db_index=True)
    pushed = models.BooleanField(default=False)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")

    def __str__(self) -> str:
        return f"{self.reason} {self.delivery_id} → {self.user_id}"
