"""The listening demo: a week ending now, with its statement, spike alert,
claim and copy-paste cluster; idempotent."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from sifara.analysis import demo, selectors
from sifara.analysis.models import Alert, AlertKind, Claim, ClaimPost, Statement
from sifara.listening.models import Cluster, Post


# The demo's week ends "now", and its background traffic follows the time of
# day, so the test pins "now" to several times of day instead of the clock.
@pytest.mark.parametrize("hour", [1, 9, 14, 20])
def test_demo_week(db: Any, hour: int) -> None:
    from sifara.directory.demo import load_organisation, load_people

    units = load_organisation()
    load_people(units)
    now = timezone.now().replace(hour=hour, minute=17) - timedelta(days=1)
    demo._load(out=io.StringIO(), now=now, scale=0.25)
    posts = Post.objects.filter(source__name=demo.SOURCE_NAME).count()
    assert posts > 1500
    # a statement with a reaction curve peaking soon after publication
    statement = Statement.objects.get(title__startswith="Statement on the signature")
    reaction = selectors.statement_reaction(statement, now=now)
    assert reaction.total > 100
    assert reaction.peak_hour is not None and reaction.peak_hour <= 6
    # the outage raised its alerts, not a storm of them
    spikes = Alert.objects.filter(kind=AlertKind.VOLUME_SPIKE, rule__topic__isnull=False)
    assert 1 <= spikes.count() <= 2
    assert Alert.objects.filter(kind=AlertKind.NEGATIVE_SPIKE).exists()
    assert Alert.objects.filter(kind=AlertKind.PRIORITY_TERM).count() == 1
    assert Alert.objects.filter(kind=AlertKind.NEW_CLUSTER).exists()
    # the claim and the posts spreading it
    claim = Claim.objects.get()
    assert ClaimPost.objects.filter(claim=claim).count() > 20
    # the campaign
    assert Cluster.objects.filter(is_coordinated=True, author_count__gte=30).exists()
    out = io.StringIO()
    demo._load(out=out, now=now, scale=0.25)
    assert "already loaded" in out.getvalue()
    assert Post.objects.filter(source__name=demo.SOURCE_NAME).count() == posts
