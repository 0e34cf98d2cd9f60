"""Copy the front-end packages installed by npm into the static files.

Run by `make assets` after `npm ci`. Nothing third-party is committed: the
copies land in src/sifara/static/vendor/, which git ignores.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE = ROOT / "node_modules"
DEST = ROOT / "src" / "sifara" / "static" / "vendor"

# (source relative to node_modules, destination relative to vendor/)
COPIES: list[tuple[str, str]] = [
    ("bootstrap/dist/css/bootstrap.min.css", "bootstrap/bootstrap.min.css"),
    ("bootstrap/dist/css/bootstrap.min.css.map", "bootstrap/bootstrap.min.css.map"),
    ("bootstrap/dist/css/bootstrap.rtl.min.css", "bootstrap/bootstrap.rtl.min.css"),
    ("bootstrap/dist/css/bootstrap.rtl.min.css.map", "bootstrap/bootstrap.rtl.min.css.map"),
    ("bootstrap/dist/js/bootstrap.bundle.min.js", "bootstrap/bootstrap.bundle.min.js"),
    ("bootstrap/dist/js/bootstrap.bundle.min.js.map", "bootstrap/bootstrap.bundle.min.js.map"),
    ("bootstrap-icons/font/bootstrap-icons.min.css", "bootstrap-icons/bootstrap-icons.min.css"),
    ("bootstrap-icons/font/fonts", "bootstrap-icons/fonts"),
    ("htmx.org/dist/htmx.min.js", "htmx/htmx.min.js"),
    ("echarts/dist/echarts.min.js", "echarts/echarts.min.js"),
    ("@fontsource/ibm-plex-sans-arabic/400.css", "ibm-plex-sans-arabic/400.css"),
    ("@fontsource/ibm-plex-sans-arabic/500.css", "ibm-plex-sans-arabic/500.css"),
    ("@fontsource/ibm-plex-sans-arabic/600.css", "ibm-plex-sans-arabic/600.css"),
    ("@fontsource/ibm-plex-sans-arabic/700.css", "ibm-plex-sans-arabic/700.css"),
    ("@fontsource/ibm-plex-sans-arabic/files", "ibm-plex-sans-arabic/files"),
]


def main() -> int:
    if not NODE.is_dir():
        print("node_modules/ is missing: run `npm ci` first", file=sys.stderr)
        return 1
    missing = [src for src, _ in COPIES if not (NODE / src).exists()]
    if missing:
        print("missing npm files: " + ", ".join(missing), file=sys.stderr)
        return 1
    if DEST.exists():
        shutil.rmtree(DEST)
    for src, dst in COPIES:
        source, target = NODE / src, DEST / dst
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target)
        else:
            shutil.copy2(source, target)
    print(f"vendored {len(COPIES)} asset paths into {DEST.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
