"""The archive of agreements: treaties, conventions, memoranda and the like,
their parties, their signed texts and related documents, and the reminders
sent before they expire or their renewal-notice deadline passes."""

from __future__ import annotations

from datetime import date, timedelta
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from sifara.core.models import BaseModel, Classification, DataKey
from sifara.directory.models import Country, Unit, localized


class AgreementType(models.TextChoices):
    TREATY = "treaty", _("Treaty")
    CONVENTION = "convention", _("Convention")
    AGREEMENT = "agreement", _("Agreement")
    MOU = "mou", _("Memorandum of understanding")
    PROTOCOL = "protocol", _("Protocol")
    EXCHANGE_OF_NOTES = "exchange_of_notes", _("Exchange of notes")
    JOINT_DECLARATION = "joint_declaration", _("Joint declaration")


class AgreementStatus(models.TextChoices):
    UNDER_NEGOTIATION = "under_negotiation", _("Under negotiation")
    SIGNED = "signed", _("Signed")
    IN_FORCE = "in_force", _("In force")
    PROVISIONALLY_APPLIED = "provisionally_applied", _("Provisionally applied")
    SUSPENDED = "suspended", _("Suspended")
    EXPIRED = "expired", _("Expired")
    TERMINATED = "terminated", _("Terminated")


#: Statuses in which expiry and renewal deadlines still matter (reminders).
LIVE_STATUSES = (
    AgreementStatus.SIGNED,
    AgreementStatus.IN_FORCE,
    AgreementStatus.PROVISIONALLY_APPLIED,
    AgreementStatus.SUSPENDED,
)


class Topic(BaseModel):
    """A subject of the managed taxonomy (trade, energy, security, ...)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=120)
    name_ar = models.CharField(_("name (Arabic)"), max_length=120)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering: ClassVar = ["name_en"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")


class Agreement(BaseModel):
    """One agreement, bilateral or multilateral, with its life cycle."""

    reference = models.CharField(
        _("reference"),
        max_length=60,
        blank=True,
        help_text=_("The archive's own reference, e.g. AGR-2019-014 (used by the bulk import)."),
    )
    kind = models.CharField(_("type"), max_length=24, choices=AgreementType.choices)
    title_ar = models.CharField(_("title (Arabic)"), max_length=500, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=500, blank=True)
    summary_ar = models.TextField(_("summary (Arabic)"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    is_multilateral = models.BooleanField(_("multilateral"), default=False)
    classification = models.PositiveSmallIntegerField(
        _("classification"), choices=Classification.choices, default=Classification.UNCLASSIFIED
    )
    owner_unit = models.ForeignKey(
        Unit,
        verbose_name=_("owning unit"),
        on_delete=models.PROTECT,
        related_name="archive_agreements_owned",
    )
    ministries = models.ManyToManyField(
        Unit,
        verbose_name=_("responsible ministries"),
        blank=True,
        related_name="archive_agreements",
    )
    topics = models.ManyToManyField(
        Topic, verbose_name=_("topics"), blank=True, related_name="agreements"
    )
    granted_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("explicit access"),
        blank=True,
        related_name="archive_grants",
    )
    place_en = models.CharField(_("place of signature (English)"), max_length=200, blank=True)
    place_ar = models.CharField(_("place of signature (Arabic)"), max_length=200, blank=True)
    signed_on = models.DateField(_("date of signature"), null=True, blank=True)
    signatories = models.TextField(_("signatories"), blank=True)
    #: ISO 639-1 codes, e.g. ["ar", "en"].
    authentic_languages = models.JSONField(_("authentic languages"), default=list, blank=True)
    ratified_on = models.DateField(_("ratified on"), null=True, blank=True)
    entry_into_force = models.DateField(_("entry into force"), null=True, blank=True)
    duration_years = models.PositiveSmallIntegerField(_("duration (years)"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    auto_renewal = models.BooleanField(_("renews automatically"), default=False)
    renewal_period_years = models.PositiveSmallIntegerField(
        _("renewal period (years)"), null=True, blank=True
    )
    notice_days = models.PositiveSmallIntegerField(
        _("notice period (days)"),
        null=True,
        blank=True,
        help_text=_(
            "Notice of non-renewal or termination must be given this many days before expiry."
        ),
    )
    status = models.CharField(
        _("status"),
        max_length=24,
        choices=AgreementStatus.choices,
        default=AgreementStatus.UNDER_NEGOTIATION,
        db_index=True,
    )
    depositary = models.CharField(_("depositary"), max_length=200, blank=True)
    un_registration = models.CharField(
        _("UN registration number"),
        max_length=20,
        blank=True,
        help_text=_("As in the UN Treaty Series, e.g. I:33521 or II:965."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering: ClassVar = ["-signed_on", "-id"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=~Q(title_ar="") | ~Q(title_en=""), name="agreement_has_title"
            ),
            models.CheckConstraint(
                condition=Q(classification__gte=0, classification__lte=3),
                name="agreement_classification_range",
            ),
            models.CheckConstraint(
                condition=Q(entry_into_force__isnull=True)
                | Q(signed_on__isnull=True)
                | Q(entry_into_force__gte=F("signed_on")),
                name="agreement_force_after_signature",
            ),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True)
                | Q(signed_on__isnull=True)
                | Q(expires_on__gte=F("signed_on")),
                name="agreement_expiry_after_signature",
            ),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True)
                | Q(entry_into_force__isnull=True)
                | Q(expires_on__gte=F("entry_into_force")),
                name="agreement_expiry_after_force",
            ),
            models.UniqueConstraint(
                fields=["un_registration"],
                condition=~Q(un_registration=""),
                name="agreement_unique_un_registration",
            ),
            models.UniqueConstraint(
                fields=["reference"], condition=~Q(reference=""), name="agreement_unique_reference"
            ),
        ]

    def __str__(self) -> str:
        # Used by the audit trail's target label: never a classified title.
        if self.is_classified:
            return str(_("Agreement %(ref)s") % {"ref": self.reference or f"#{self.pk}"})
        return self.title

    @property
    def title(self) -> str:
        return localized(self, "title")

    @property
    def summary(self) -> str:
        return localized(self, "summary")

    @property
    def place(self) -> str:
        return localized(self, "place")

    @property
    def notice_deadline(self) -> date | None:
        """Last day to give notice of non-renewal (or termination) before expiry."""
        if self.expires_on is None or not self.notice_days:
            return None
        return self.expires_on - timedelta(days=self.notice_days)

    @property
    def is_classified(self) -> bool:
        return int(self.classification) > int(Classification.UNCLASSIFIED)


class AgreementParty(BaseModel):
    """A party: a country or an international organisation."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="parties"
    )
    country = models.ForeignKey(
        Country,
        verbose_name=_("country"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="archive_parties",
    )
    organisation_en = models.CharField(
        _("international organisation (English)"), max_length=200, blank=True
    )
    organisation_ar = models.CharField(
        _("international organisation (Arabic)"), max_length=200, blank=True
    )

    class Meta:
        ordering: ClassVar = ["country__name_en", "organisation_en"]
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=(Q(country__isnull=False) & Q(organisation_en="") & Q(organisation_ar=""))
                | (Q(country__isnull=True) & (~Q(organisation_en="") | ~Q(organisation_ar=""))),
                name="party_country_or_organisation",
            ),
            models.UniqueConstraint(
                fields=["agreement", "country"],
                condition=Q(country__isnull=False),
                name="party_unique_country",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        if self.country_id:
            return self.country.name if self.country else ""
        return localized(self, "organisation")


class PartyActionKind(models.TextChoices):
    SIGNATURE = "signature", _("Signature")
    RATIFICATION = "ratification", _("Ratification")
    ACCESSION = "accession", _("Accession")
    RESERVATION = "reservation", _("Reservation")
    DECLARATION = "declaration", _("Declaration")
    WITHDRAWAL = "withdrawal", _("Withdrawal")


class PartyAction(BaseModel):
    """What one party did about a multilateral treaty, and when."""

    party = models.ForeignKey(
        AgreementParty, verbose_name=_("party"), on_delete=models.CASCADE, related_name="actions"
    )
    action = models.CharField(_("action"), max_length=16, choices=PartyActionKind.choices)
    on = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering: ClassVar = ["on", "id"]
        verbose_name = _("party action")
        verbose_name_plural = _("party actions")

    def __str__(self) -> str:
        return f"{self.party} {self.action} {self.on}"


class RelationKind(models.TextChoices):
    AMENDS = "amends", _("amends")
    SUPERSEDES = "supersedes", _("supersedes")
    IMPLEMENTS = "implements", _("implements")
    EXTENDS = "extends", _("extends")


class AgreementRelation(BaseModel):
    """``source`` amends / supersedes / implements / extends ``target``."""

    source = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="relations"
    )
    target = models.ForeignKey(
        Agreement,
        verbose_name=_("related agreement"),
        on_delete=models.CASCADE,
        related_name="inverse_relations",
    )
    kind = models.CharField(_("relation"), max_length=16, choices=RelationKind.choices)

    class Meta:
        verbose_name = _("relation between agreements")
        verbose_name_plural = _("relations between agreements")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["source", "target", "kind"], name="relation_unique_source_target_kind"
            ),
            models.CheckConstraint(condition=~Q(source=F("target")), name="relation_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} {self.kind} {self.target_id}"


class FileRole(models.TextChoices):
    SIGNED_TEXT = "signed_text", _("Signed text")
    NOTE_VERBALE = "note_verbale", _("Note verbale")
    REPORT = "report", _("Report")
    MINUTES = "minutes", _("Minutes")
    OTHER = "other", _("Other document")


class FileFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", "DOCX"
    TEXT = "txt", _("Plain text")
    HTML = "html", "HTML"


class Extraction(models.TextChoices):
    PENDING = "pending", _("Waiting for text extraction")
    DONE = "done", _("Text extracted")
    OCR = "ocr", _("Text read by OCR")
    OCR_PARTIAL = "ocr_partial", _("Text read by OCR (first pages only)")
    NEEDS_OCR = "needs_ocr", _("Scanned: OCR not installed")
    EMPTY = "empty", _("No text found")
    FAILED = "failed", _("Text extraction failed")


class ArchiveFile(BaseModel):
    """A signed text (one per language) or a related document of an agreement.

    Content and extracted text above UNCLASSIFIED (the higher of the file's and
    the agreement's classification) are encrypted at rest with a per-file data
    key; ``text`` then stays empty and ``text_encrypted`` holds the text.
    """

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="files"
    )
    role = models.CharField(_("document"), max_length=16, choices=FileRole.choices)
    language = models.CharField(_("language"), max_length=8, blank=True)
    classification = models.PositiveSmallIntegerField(
        _("classification"), choices=Classification.choices, default=Classification.UNCLASSIFIED
    )
    original_name = models.CharField(_("file name"), max_length=255)
    file_format = models.CharField(_("format"), max_length=8, choices=FileFormat.choices)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    blob = models.FileField(_("stored file"), upload_to="archive/files/%Y/", max_length=255)
    data_key = models.ForeignKey(
        DataKey, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    page_count = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    extraction = models.CharField(
        _("text extraction"), max_length=16, choices=Extraction.choices, default=Extraction.PENDING
    )
    extraction_note = models.CharField(_("extraction note"), max_length=300, blank=True)
    text = models.TextField(_("extracted text"), blank=True)
    text_encrypted = models.BinaryField(null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("attached by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering: ClassVar = ["role", "language", "id"]
        verbose_name = _("archive file")
        verbose_name_plural = _("archive files")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["agreement", "sha256"], name="archivefile_unique_content"
            ),
            models.CheckConstraint(
                condition=Q(classification__gte=0, classification__lte=3),
                name="archivefile_classification_range",
            ),
            models.CheckConstraint(
                condition=Q(classification=0) | Q(data_key__isnull=False),
                name="archivefile_classified_encrypted",
            ),
        ]

    def __str__(self) -> str:
        # Used by the audit trail's target label: no classified file names.
        if self.classification:
            return str(_("File #%(id)s") % {"id": self.pk})
        return self.original_name

    @property
    def is_encrypted(self) -> bool:
        return self.data_key_id is not None


class ReminderKind(models.TextChoices):
    EXPIRY = "expiry", _("Expiry")
    NOTICE = "notice", _("Renewal-notice deadline")


class Reminder(BaseModel):
    """One reminder per agreement, deadline and lead time (idempotent)."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(_("deadline"), max_length=8, choices=ReminderKind.choices)
    due_on = models.DateField(_("due on"))
    lead_days = models.PositiveSmallIntegerField(_("days ahead"))
    sent_on = models.DateField(_("sent on"))
    recipients = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        ordering: ClassVar = ["-sent_on", "due_on"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["agreement", "kind", "due_on", "lead_days"], name="reminder_once_per_lead"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agreement_id} {self.kind} {self.due_on} -{self.lead_days}d"
