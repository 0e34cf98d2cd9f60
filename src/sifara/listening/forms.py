"""Forms of the sources pages."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sifara.core.forms import BootstrapMixin
from sifara.directory.models import Unit
from sifara.listening.models import Platform, WatchTopic


class SourceForm(BootstrapMixin, forms.Form):
    name = forms.SlugField(
        label=_("Short name"),
        max_length=80,
        help_text=_("Lower-case letters, digits and hyphens; used by `sifara listen`."),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    platform = forms.ChoiceField(label=_("Platform"), choices=Platform.choices)
    url = forms.URLField(
        label=_("Feed address"),
        required=False,
        assume_scheme="https",
        help_text=_("News feeds: the RSS or Atom URL."),
    )
    instance = forms.URLField(
        label=_("Mastodon server"),
        required=False,
        assume_scheme="https",
        help_text=_("e.g. https://mastodon.social"),
    )
    hashtag = forms.CharField(label=_("Hashtag"), max_length=100, required=False)
    channel = forms.CharField(
        label=_("Telegram channel"),
        max_length=100,
        required=False,
        help_text=_("@name of the channel, where the ministry's bot is an administrator."),
    )
    keywords = forms.CharField(
        label=_("Keywords"),
        max_length=500,
        required=False,
        help_text=_("Bluesky: keep only posts containing one of these (comma-separated)."),
    )
    country = forms.CharField(
        label=_("Country code"),
        max_length=2,
        required=False,
        help_text=_("ISO code of the country the source covers, if one."),
    )
    token = forms.CharField(
        label=_("Access token"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Stored encrypted; never shown again."),
    )
    poll_interval_s = forms.IntegerField(label=_("Poll every (seconds)"), min_value=30, initial=300)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def config(self) -> dict[str, Any]:
        data = self.cleaned_data
        platform = data["platform"]
        config: dict[str, Any] = {}
        if platform == Platform.RSS:
            config["url"] = data.get("url") or ""
        elif platform == Platform.MASTODON:
            config["instance"] = data.get("instance") or ""
            config["hashtag"] = (data.get("hashtag") or "").lstrip("#")
        elif platform == Platform.TELEGRAM:
            config["channel"] = data.get("channel") or ""
        elif platform == Platform.BLUESKY:
            keywords = [k.strip() for k in (data.get("keywords") or "").split(",") if k.strip()]
            if keywords:
                config["keywords"] = keywords
        if data.get("country"):
            config["country"] = data["country"].upper()
        return config

    def credentials(self) -> dict[str, str] | None:
        token = self.cleaned_data.get("token") or ""
        return {"token": token} if token else None


class WatchTopicForm(BootstrapMixin, forms.Form):
    name_ar = forms.CharField(label=_("Name in Arabic"), max_length=200)
    name_en = forms.CharField(label=_("Name in English"), max_length=200)
    owner_unit = forms.ModelChoiceField(
        label=_("Owning unit"),
        queryset=Unit.objects.none(),
        error_messages={"invalid_choice": _("Choose one of your units.")},
    )

    def __init__(self, *args: Any, unit_ids: Iterable[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["owner_unit"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Unit.objects.filter(pk__in=list(unit_ids)).order_by("code")
        if field.queryset.count() == 1:
            field.empty_label = None  # the only choice is preselected
        self.fields["name_ar"].widget.attrs.update({"dir": "rtl", "lang": "ar"})
        self.fields["name_en"].widget.attrs.update({"dir": "ltr", "lang": "en"})


class WatchTermForm(BootstrapMixin, forms.Form):
    text = forms.CharField(
        label=_("Term or phrase"),
        max_length=200,
        help_text=_("Arabic or English; matched without diacritics, letter forms or case."),
    )
    is_high_priority = forms.BooleanField(label=_("High priority"), required=False)

    def __init__(self, *args: Any, topic: WatchTopic, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.topic = topic
        self.fields["text"].widget.attrs.update({"dir": "auto", "autocomplete": "off"})

    def clean_text(self) -> str:
        text = " ".join(str(self.cleaned_data["text"]).split())
        if not text:
            raise forms.ValidationError(_("Enter a term or phrase."), code="required")
        if self.topic.terms.filter(text=text).exists():
            raise forms.ValidationError(_("This topic already has this term."), code="duplicate")
        return text
