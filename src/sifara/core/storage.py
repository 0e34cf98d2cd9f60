"""Static files storage: WhiteNoise's hashed, compressed storage, gzip only.

Brotli (pulled in by WeasyPrint's font tools) made `collectstatic` take about
a minute at every `sifara serve` on a 2-core machine; gzip alone takes a few
seconds and is what an intranet needs. See docs/decisions/0009.
"""

from __future__ import annotations

from typing import Any

from whitenoise.compress import Compressor
from whitenoise.storage import CompressedManifestStaticFilesStorage


class GzipManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    def create_compressor(self, **kwargs: Any) -> Compressor:
        return Compressor(use_brotli=False, **kwargs)
