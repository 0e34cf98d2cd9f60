"""Perceptual hashes of profile images (re-use of an official avatar).

``phash_file`` returns the 64-bit DCT perceptual hash (imagehash.phash) as 16
hex digits, or ``None`` for anything that is not a readable image (missing
file, truncated data, a text file renamed .png, a decompression bomb). Two
hashes are compared by Hamming distance (0..64); re-encoded, resized or
lightly recoloured copies of the same picture stay within a few bits.
"""

from __future__ import annotations

import warnings
from pathlib import Path

MAX_IMAGE_BYTES = 20 * 1024 * 1024
MAX_PIXELS = 40_000_000


def phash_image(image: object) -> str:
    import imagehash

    return str(imagehash.phash(image))  # type: ignore[arg-type]


def phash_file(path: str | Path) -> str | None:
    """Hex perceptual hash of the image at ``path``, ``None`` if it is not a readable image."""
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover
        return None
    try:
        p = Path(path)
        if not p.is_file() or p.stat().st_size > MAX_IMAGE_BYTES:
            return None
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(p) as img:
                if img.width * img.height > MAX_PIXELS:
                    return None
                img.load()
                return phash_image(img.convert("RGB"))
    except Exception:  # any decoder error means "not an image"
        return None


def parse_hash(value: str) -> int | None:
    value = (value or "").strip().lower()
    if not value or len(value) > 32:
        return None
    try:
        return int(value, 16)
    except ValueError:
        return None


def hamming(a: int, b: int) -> int:
    return (a ^ b).bit_count()
