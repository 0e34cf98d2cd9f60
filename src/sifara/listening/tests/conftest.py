"""Fixtures of the listening module's tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from sifara.listening import hooks, pipeline


@pytest.fixture(autouse=True)
def _fresh_pipeline_state(settings: Any) -> Iterator[None]:
    # Inline analysis (the helper-process path has its own test).
    settings.SIFARA_LISTENING_ANALYSIS_PROCESS = False
    pipeline.reset_state()
    before = hooks.registered_batch_hooks()
    yield
    pipeline.reset_state()
    for hook in hooks.registered_batch_hooks():
        if hook not in before:
            hooks.unregister_batch_hook(hook)


@pytest.fixture
def source(db: Any) -> Any:
    from sifara.listening.tests.factories import SourceFactory

    return SourceFactory(name="file-import", title="File import")
