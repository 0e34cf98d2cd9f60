"""``sifara listen ...`` sub-commands (registered by :mod:`sifara.cli`).

* ``sifara listen import FILE... --source NAME [--format jsonl|csv|x] [--create]``
* ``sifara listen run [--source NAME] [--once]``
* ``sifara listen sources`` — the sources and their health.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any


def register(sub: Any, setup: Callable[[], None]) -> None:
    """Add this module's sub-commands to the ``sifara`` parser's ``sub``."""
    listen = sub.add_parser(
        "listen", help="listening: imports and connectors", description="Listening ingest."
    )
    listen_sub = listen.add_subparsers(dest="listen_command", required=True)

    imp = listen_sub.add_parser(
        "import",
        help="import posts from JSONL/CSV files or X API v2 JSON",
        description=(
            "Import posts through the ingest pipeline. Resumable: an interrupted import "
            "continues where its last stored batch ended."
        ),
    )
    imp.add_argument("files", nargs="+", type=Path, metavar="FILE")
    imp.add_argument("--source", required=True, help="name of a file source")
    imp.add_argument(
        "--format",
        choices=["jsonl", "csv", "x"],
        default=None,
        help="file format (default: guessed from the file)",
    )
    imp.add_argument(
        "--create", action="store_true", help="create the file source if it does not exist"
    )

    def run_import(args: argparse.Namespace) -> int:
        setup()
        return cmd_import(args)

    imp.set_defaults(func=run_import)

    run = listen_sub.add_parser(
        "run",
        help="run connectors (all active sources, or one)",
        description="Run connector processes until interrupted (Ctrl-C / SIGTERM).",
    )
    run.add_argument("--source", help="run only this source (its own process)")
    run.add_argument("--once", action="store_true", help="poll due sources once and exit")

    def run_run(args: argparse.Namespace) -> int:
        setup()
        return cmd_run(args)

    run.set_defaults(func=run_run)

    sources = listen_sub.add_parser("sources", help="list sources and their health")

    def run_sources(args: argparse.Namespace) -> int:
        setup()
        return cmd_sources(args)

    sources.set_defaults(func=run_sources)


def cmd_import(args: argparse.Namespace) -> int:
    from sifara.listening.connectors.files import read_file
    from sifara.listening.models import Platform, Source
    from sifara.listening.pipeline import ingest

    source = Source.objects.filter(name=args.source).first()
    if source is None:
        if not args.create:
            print(f"sifara: no source named {args.source!r} (use --create)", file=sys.stderr)
            return 2
        from sifara.listening.services import source_create

        source = source_create(
            actor=None, name=args.source, title=args.source, platform=Platform.FILE
        )
    status = 0
    for path in args.files:
        if not path.is_file():
            print(f"sifara: {path}: not a file", file=sys.stderr)
            status = 1
            continue
        report = ingest(read_file(path, source=source, fmt=args.format), source=source)
        print(f"{path}: {report}")
    return status


def cmd_run(args: argparse.Namespace) -> int:
    from sifara.listening.models import Source
    from sifara.listening.runner import STREAMING, Stopper, run_polling, run_stream

    stopper = Stopper()
    stopper.install()
    if args.source:
        source = Source.objects.filter(name=args.source).first()
        if source is None:
            print(f"sifara: no source named {args.source!r}", file=sys.stderr)
            return 2
        if not source.is_active:
            print(f"sifara: source {args.source!r} is not active", file=sys.stderr)
            return 2
        if source.platform in STREAMING:
            run_stream(source, stopper=stopper)
        else:
            run_polling(stopper=stopper, once=args.once, only=source.name)
        return 0
    children = []
    if not args.once:
        for source in Source.objects.filter(is_active=True, platform__in=list(STREAMING)):
            children.append(
                subprocess.Popen(  # noqa: S603 - our own command, fixed arguments
                    [sys.argv[0], "listen", "run", "--source", source.name]
                )
            )
    try:
        run_polling(stopper=stopper, once=args.once)
    finally:
        for child in children:
            child.terminate()
        for child in children:
            child.wait(timeout=30)
    return 0


def cmd_sources(args: argparse.Namespace) -> int:
    from django.utils import timezone

    from sifara.listening.selectors import source_health

    now = timezone.now()
    from sifara.listening.models import Source

    for source in Source.objects.all():
        health = source_health(source=source, now=now)
        print(
            f"{source.name:<28} {source.platform:<9} {health.state:<10} "
            f"items {source.items_total:>10} skipped {source.items_skipped:>6} "
            f"{('last error: ' + source.last_error) if source.last_error else ''}"
        )
    return 0
