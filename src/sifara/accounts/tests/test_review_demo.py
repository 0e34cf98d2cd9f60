"""The demonstration review queue: pending, one confirmed with an open
takedown case, one parody dismissed; idempotent."""

from __future__ import annotations

import io

import pytest

from sifara.accounts import review_services
from sifara.accounts.demo import load_accounts_demo
from sifara.accounts.models import Candidate, CandidateStatus, TakedownCase
from sifara.accounts.review_demo import load_review_demo
from sifara.directory.demo import load_demo

pytestmark = pytest.mark.django_db


def test_demo_queue_is_realistic_and_idempotent():
    review_services.registry_index_forget()
    load_demo(out=io.StringIO())
    load_accounts_demo(out=io.StringIO())
    out = io.StringIO()
    first = load_review_demo(out=out)
    assert "Impersonation radar demo" in out.getvalue()
    assert first["queued"] >= 6
    statuses = list(Candidate.objects.values_list("status", flat=True))
    assert statuses.count(CandidateStatus.CONFIRMED) == 1
    assert statuses.count(CandidateStatus.DISMISSED) == 1
    assert statuses.count(CandidateStatus.PENDING) >= 4
    dismissed = Candidate.objects.get(status=CandidateStatus.DISMISSED)
    assert dismissed.dismiss_reason == "parody"
    case = TakedownCase.objects.get()
    assert case.status == "open"
    assert case.evidence.count() == 1
    assert not Candidate.objects.filter(handle="tokyo_food_diaries").exists()
    snapshot = sorted(Candidate.objects.values_list("handle", "status"))

    load_review_demo()
    assert sorted(Candidate.objects.values_list("handle", "status")) == snapshot
    assert TakedownCase.objects.get().evidence.count() == 1
