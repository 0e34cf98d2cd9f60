from __future__ import annotations

from typing import Any

import pytest

from sifara.audit.models import AuditEvent
from sifara.audit.services import record


@pytest.fixture
def chain(db: Any, make_user: Any) -> list[AuditEvent]:
    """Five events by one actor."""
    actor = make_user(username="recorder")
    return [
        record(actor=actor, action=f"test.action{n}", details={"n": n, "note": f"event {n}"})
        for n in range(1, 6)
    ]
