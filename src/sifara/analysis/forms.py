"""Forms of listening analysis (filters, alert rules, statements, claims)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sifara.analysis import selectors
from sifara.analysis.models import AlertKind, ClaimRating
from sifara.analysis.selectors import PERIOD_LABELS, Filters, hq_zone
from sifara.core import i18n
from sifara.core.forms import BootstrapMixin
from sifara.directory.models import Unit
from sifara.listening.models import WatchTopic

SENTIMENT_CHOICES = [
    ("", _("Any sentiment")),
    ("neg", _("Negative")),
    ("neu", _("Neutral")),
    ("pos", _("Positive")),
]


class TopicChoiceField(forms.ModelChoiceField[WatchTopic]):
    """Watch-list topics named in the active language."""

    def label_from_instance(self, obj: WatchTopic) -> str:
        return obj.name_ar if i18n.active_locale() == "ar" else obj.name_en


def _language_choices() -> list[tuple[str, str]]:
    codes = getattr(settings, "SIFARA_LISTENING_LANGUAGES", ["ar", "en", "fr"])
    return [("", str(_("Any language")))] + [(c, i18n.language_name(c)) for c in codes]


class FilterForm(BootstrapMixin, forms.Form):
    """Dashboard and drill-down filters (GET)."""

    period = forms.ChoiceField(
        label=_("Period"),
        choices=list(PERIOD_LABELS.items()),
        required=False,
        initial=selectors.DEFAULT_PERIOD,
    )
    topic = TopicChoiceField(
        label=_("Watch-list topic"),
        queryset=WatchTopic.objects.none(),
        required=False,
        empty_label=_("All posts"),
    )
    language = forms.ChoiceField(label=_("Language"), choices=[], required=False)
    country = forms.RegexField(
        label=_("Country"),
        regex=r"^[A-Za-z]{2}$",
        required=False,
        max_length=2,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. FR"), "size": 3}),
    )
    sentiment = forms.ChoiceField(label=_("Sentiment"), choices=SENTIMENT_CHOICES, required=False)
    # drill-down
    author = forms.CharField(label=_("Author"), required=False, max_length=200)
    term = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    q = forms.CharField(label=_("Words"), required=False, max_length=200)
    bucket = forms.DateTimeField(required=False, widget=forms.HiddenInput)

    def __init__(
        self, data: Any = None, *args: Any, topics: list[WatchTopic] | None = None, **kwargs: Any
    ) -> None:
        if data is not None and not data.get("period"):
            data = data.copy()
            data["period"] = selectors.DEFAULT_PERIOD  # shown as chosen, not the first option
        super().__init__(data, *args, **kwargs)
        topic_field = self.fields["topic"]
        assert isinstance(topic_field, forms.ModelChoiceField)
        topic_field.queryset = WatchTopic.objects.filter(pk__in=[t.pk for t in topics or []])
        language_field = self.fields["language"]
        assert isinstance(language_field, forms.ChoiceField)
        language_field.choices = _language_choices()

    def filters(self) -> Filters:
        if not self.is_bound or not self.is_valid():
            return Filters()
        data = self.cleaned_data
        topic = data.get("topic")
        bucket = data.get("bucket")
        return Filters(
            period=data.get("period") or selectors.DEFAULT_PERIOD,
            topic_id=topic.pk if topic else None,
            language=data.get("language") or "",
            country=(data.get("country") or "").upper(),
            sentiment=data.get("sentiment") or "",
            author=(data.get("author") or "").strip().lstrip("@"),
            term_id=data.get("term"),
            query=(data.get("q") or "").strip(),
            bucket_start=bucket if isinstance(bucket, datetime) else None,
        )


class SavedSearchForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("Name of the search"), max_length=120)
    query = forms.CharField(max_length=1000, required=False, widget=forms.HiddenInput)


def _hq_aware(value: datetime | None) -> datetime | None:
    """A date and time typed by the user is HQ time."""
    if value is None:
        return None
    return timezone.make_aware(value.replace(tzinfo=None), hq_zone())


class HQDateTimeField(forms.DateTimeField):
    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def to_python(self, value: Any) -> datetime | None:
        result = super().to_python(value)
        return _hq_aware(result)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, datetime) and timezone.is_aware(value):
            return value.astimezone(hq_zone()).replace(tzinfo=None)
        return value


class AlertRuleForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    kind = forms.ChoiceField(label=_("Alert when"), choices=AlertKind.choices)
    topic = TopicChoiceField(
        label=_("Watch-list topic"),
        queryset=WatchTopic.objects.none(),
        required=False,
        empty_label=_("All posts"),
    )
    window_hours = forms.IntegerField(
        label=_("Recent window (hours)"),
        min_value=1,
        max_value=24 * 7,
        initial=1,
        help_text=_("e.g. 1: the last hour; 24: the last day."),
    )
    baseline_hours = forms.IntegerField(
        label=_("Trailing baseline (hours)"),
        min_value=1,
        max_value=24 * 60,
        initial=12,
        help_text=_("e.g. 12: the previous 12 hours; 336: the previous 14 days."),
    )
    threshold_ratio = forms.FloatField(
        label=_("Threshold (times the baseline)"), min_value=0.1, max_value=1000, initial=3.0
    )
    min_posts = forms.IntegerField(
        label=_("Minimum posts"), min_value=1, max_value=1_000_000, initial=20
    )
    cooldown_minutes = forms.IntegerField(
        label=_("Cool-down (minutes)"),
        min_value=0,
        max_value=7 * 24 * 60,
        initial=60,
        help_text=_("After an alert the rule stays quiet this long; nothing is lost."),
    )
    notify_email = forms.BooleanField(label=_("Also send an e-mail"), required=False, initial=True)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, units: Any, topics: list[WatchTopic], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        unit_field.queryset = units
        topic_field = self.fields["topic"]
        assert isinstance(topic_field, forms.ModelChoiceField)
        topic_field.queryset = WatchTopic.objects.filter(pk__in=[t.pk for t in topics])


class StatementForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    text = forms.CharField(
        label=_("Text of the statement"), widget=forms.Textarea(attrs={"rows": 5})
    )
    published_at = HQDateTimeField(
        label=_("Published at (headquarters time)"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    channels = forms.CharField(
        label=_("Channels"),
        max_length=500,
        required=False,
        help_text=_("e.g. website, X @mfa_demo, press conference."),
    )
    terms = forms.CharField(
        label=_("Related terms"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One term or phrase per line, in any language."),
    )
    follow_hours = forms.IntegerField(
        label=_("Follow the reaction for (hours)"), min_value=1, max_value=24 * 30, initial=72
    )


class ClaimForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("Short title"), max_length=300)
    claim_ar = forms.CharField(
        label=_("The claim (Arabic)"), widget=forms.Textarea(attrs={"rows": 3, "dir": "rtl"})
    )
    claim_en = forms.CharField(
        label=_("The claim (English)"), widget=forms.Textarea(attrs={"rows": 3, "dir": "ltr"})
    )
    variants = forms.CharField(
        label=_("Other wordings"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One a line, in any language (e.g. French): posts are matched against each."),
    )
    rating = forms.ChoiceField(label=_("Verdict"), choices=ClaimRating.choices)
    evidence = forms.CharField(
        label=_("Evidence"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    rebuttal_ar = forms.CharField(
        label=_("Official rebuttal (Arabic)"),
        widget=forms.Textarea(attrs={"rows": 4, "dir": "rtl"}),
    )
    rebuttal_en = forms.CharField(
        label=_("Official rebuttal (English)"),
        widget=forms.Textarea(attrs={"rows": 4, "dir": "ltr"}),
    )
    rebuttal_url = forms.URLField(
        label=_("Rebuttal page"), required=False, max_length=500, assume_scheme="https"
    )
    rebutted_at = HQDateTimeField(
        label=_("Rebuttal published at (headquarters time)"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    first_seen_url = forms.URLField(
        label=_("First appearance"), required=False, max_length=1000, assume_scheme="https"
    )
    first_seen_at = HQDateTimeField(
        label=_("First seen at (headquarters time)"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    threshold = forms.FloatField(
        label=_("Similarity threshold"),
        min_value=0.3,
        max_value=1.0,
        initial=0.6,
        help_text=_("Share of the claim's words a post must say to be linked automatically."),
    )
    is_active = forms.BooleanField(label=_("Follow new posts"), required=False, initial=True)


class LinkPostForm(forms.Form):
    post = forms.IntegerField(min_value=1)
