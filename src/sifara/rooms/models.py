"""Models of the operations rooms module.

An operations room gathers the people working a crisis (HQ departments, the
embassy, a delegation, partner ministries and vetted outside guests). It holds a
timeline of entries (messages, decisions, status updates; each with a
classification at most the room's ceiling), tasks with owners and deadlines, a
checklist made from a template, and links to cables. Closing a room makes it a
read-only record with an exportable situation log.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sifara.core.models import BaseModel, Classification, DataKey
from sifara.directory.models import localized


class RoomKind(models.TextChoices):
    EVACUATION = "evacuation", _("Evacuation of nationals")
    HOSTAGE = "hostage", _("Hostage or detention case")
    SUMMIT = "summit", _("Summit or major visit")
    DISASTER = "disaster", _("Natural disaster")
    OTHER = "other", _("Other crisis")


class RoomStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class RoomRole(models.TextChoices):
    OWNER = "owner", _("Owner")
    MEMBER = "member", _("Member")
    GUEST = "guest", _("Guest")


class EntryKind(models.TextChoices):
    MESSAGE = "message", _("Message")
    DECISION = "decision", _("Decision")
    STATUS = "status", _("Status update")
    EVENT = "event", _("Room event")


class Phase(models.TextChoices):
    TRIAGE = "triage", _("Triage")
    RESPOND = "respond", _("Respond")
    RECOVER = "recover", _("Recover")
    REVIEW = "review", _("Review")


class OperationsRoom(BaseModel):
    reference = models.CharField(_("reference"), max_length=20, unique=True, blank=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True, max_length=4000)
    kind = models.CharField(_("kind"), max_length=20, choices=RoomKind.choices)
    ceiling = models.PositiveSmallIntegerField(
        _("classification ceiling"), choices=Classification.choices
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RoomStatus.choices, default=RoomStatus.OPEN
    )
    lead_unit = models.ForeignKey(
        "directory.Unit",
        verbose_name=_("lead unit"),
        on_delete=models.PROTECT,
        related_name="operations_rooms",
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    data_key = models.ForeignKey(
        DataKey,
        verbose_name=_("data key"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering: ClassVar = ["-created_at"]
        verbose_name = _("operations room")
        verbose_name_plural = _("operations rooms")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(ceiling__gte=0, ceiling__lte=3), name="room_ceiling_range"
            ),
            models.CheckConstraint(
                condition=Q(status="open", closed_at__isnull=True)
                | Q(status="closed", closed_at__isnull=False),
                name="room_closed_has_time",
            ),
        ]

    def __str__(self) -> str:
        # The reference only: audit labels and logs never carry the title.
        return self.reference or f"OPS-{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status == RoomStatus.OPEN


class RoomMember(BaseModel):
    room = models.ForeignKey(
        OperationsRoom, verbose_name=_("room"), on_delete=models.CASCADE, related_name="members"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="room_memberships",
    )
    role = models.CharField(_("room role"), max_length=10, choices=RoomRole.choices)
    unit = models.ForeignKey(
        "directory.Unit",
        verbose_name=_("on behalf of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering: ClassVar = ["role", "created_at"]
        verbose_name = _("room member")
        verbose_name_plural = _("room members")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["room", "user"], name="room_member_unique"),
            models.CheckConstraint(
                condition=Q(role__in=["owner", "member", "guest"]), name="room_member_role_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.room} · {self.user}"


class RoomEntry(BaseModel):
    """One timeline entry. Unclassified text is stored in ``body``; anything
    above is encrypted into ``body_encrypted`` with the room's data key, bound
    to the room and entry ids."""

    room = models.ForeignKey(
        OperationsRoom, verbose_name=_("room"), on_delete=models.CASCADE, related_name="entries"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=EntryKind.choices)
    classification = models.PositiveSmallIntegerField(
        _("classification"), choices=Classification.choices, default=Classification.UNCLASSIFIED
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    body = models.TextField(_("text"), blank=True)
    body_encrypted = models.BinaryField(_("encrypted text"), null=True, blank=True)
    idempotency_key = models.UUIDField(_("submission key"), null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["room", "idempotency_key"], name="room_entry_submitted_once"
            ),
            models.CheckConstraint(
                condition=Q(classification__gte=0, classification__lte=3),
                name="room_entry_classification_range",
            ),
            # Classified text is never stored in clear.
            models.CheckConstraint(
                condition=Q(classification=0) | Q(body=""), name="room_entry_classified_encrypted"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.room} #{self.pk}"


class RoomTask(BaseModel):
    """A task is logistics, visible to every member of the room (guests too):
    its title carries no classified detail."""

    room = models.ForeignKey(
        OperationsRoom, verbose_name=_("room"), on_delete=models.CASCADE, related_name="tasks"
    )
    title = models.CharField(_("task"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="room_tasks",
    )
    due_at = models.DateTimeField(_("deadline"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    idempotency_key = models.UUIDField(_("submission key"), null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["done_at", "due_at", "id"]
        verbose_name = _("room task")
        verbose_name_plural = _("room tasks")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["room", "idempotency_key"], name="room_task_submitted_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.room} task {self.pk}"


class ChecklistItem(BaseModel):
    room = models.ForeignKey(
        OperationsRoom, verbose_name=_("room"), on_delete=models.CASCADE, related_name="checklist"
    )
    phase = models.CharField(_("phase"), max_length=10, choices=Phase.choices)
    position = models.PositiveSmallIntegerField(_("position"))
    text_en = models.CharField(_("item (English)"), max_length=300)
    text_ar = models.CharField(_("item (Arabic)"), max_length=300)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering: ClassVar = ["position"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["room", "position"], name="room_checklist_position"),
        ]

    def __str__(self) -> str:
        return f"{self.room} checklist {self.position}"

    @property
    def text(self) -> str:
        return localized(self, "text")


class RoomCable(BaseModel):
    """A cable linked to a room. Who may read it is still decided by the cables
    module: a member without need-to-know sees a neutral placeholder."""

    room = models.ForeignKey(
        OperationsRoom,
        verbose_name=_("room"),
        on_delete=models.CASCADE,
        related_name="cable_links",
    )
    cable = models.ForeignKey(
        "cables.Cable",
        verbose_name=_("cable"),
        on_delete=models.PROTECT,
        related_name="room_links",
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("linked by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering: ClassVar = ["created_at", "id"]
        verbose_name = _("linked cable")
        verbose_name_plural = _("linked cables")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["room", "cable"], name="room_cable_linked_once"),
        ]

    def __str__(self) -> str:
        return f"{self.room} cable link {self.pk}"


class GuestAccount(BaseModel):
    """An outside expert's account, made by a room invitation. Such an account
    holds no role in any unit and is confined to its rooms, even once it has
    been removed from all of them."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="room_guest_account",
    )
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("guest account")
        verbose_name_plural = _("guest accounts")

    def __str__(self) -> str:
        return f"guest {self.user_id}"
