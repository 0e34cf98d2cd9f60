"""``sifara cables ...`` sub-commands (registered by :mod:`sifara.cli`)."""

from __future__ import annotations

import argparse
import getpass
from collections.abc import Callable
from typing import Any

LEVELS = {"unclassified": 0, "restricted": 1, "confidential": 2, "secret": 3}


def register(sub: Any, setup: Callable[[], None]) -> None:
    """Add this module's sub-commands to the ``sifara`` parser's ``sub``.

    ``setup`` configures Django; call it inside the command functions only.
    """
    cables = sub.add_parser(
        "cables",
        help="cables: escalation, release authority, search index",
        description="Cables: escalation sweep, release authority, duty rosters, search index.",
    )
    cables_sub = cables.add_subparsers(dest="cables_command", required=True, metavar="COMMAND")

    escalate = cables_sub.add_parser(
        "escalate",
        help="re-notify and escalate unacknowledged FLASH / NIACT cables now",
        description="Run the escalation sweep once (the worker also runs it every minute).",
    )
    escalate.set_defaults(func=lambda args: _escalate(setup))

    grant = cables_sub.add_parser(
        "grant-release",
        help="give a person release authority for a unit",
        description="Give USERNAME release authority for UNIT (code) up to LEVEL.",
    )
    grant.add_argument("username")
    grant.add_argument("unit")
    grant.add_argument("level", choices=sorted(LEVELS, key=LEVELS.__getitem__))
    grant.set_defaults(func=lambda args: _grant(setup, args))

    reindex = cables_sub.add_parser(
        "reindex",
        help="rebuild the cables' search index",
        description="Rebuild the blind search index of every released cable (after changing "
        "the signing key, from which the index key is derived).",
    )
    reindex.set_defaults(func=lambda args: _reindex(setup))


def _escalate(setup: Callable[[], None]) -> int:
    setup()
    from sifara.cables.services import cables_escalate

    report = cables_escalate()
    print(f"{report.reminded} reminders, {report.escalated} escalations, {report.notices} notices")
    return 0


def _grant(setup: Callable[[], None], args: argparse.Namespace) -> int:
    setup()
    import sys

    from sifara.cables.services import release_authority_grant
    from sifara.core.errors import ApplicationError
    from sifara.directory.models import Unit, User

    user = User.objects.filter(username=args.username).first()
    unit = Unit.objects.filter(code=args.unit).first()
    if user is None or unit is None:
        print("no such user or unit", file=sys.stderr)
        return 2
    try:
        release_authority_grant(
            actor=None,
            actor_label=f"cli:{getpass.getuser()}",
            user=user,
            unit=unit,
            max_classification=LEVELS[args.level],
        )
    except ApplicationError as exc:
        print(str(exc.message), file=sys.stderr)
        return 1
    print(f"{user.username} may now release cables of {unit.code} up to {args.level}")
    return 0


def _reindex(setup: Callable[[], None]) -> int:
    setup()
    from sifara.cables.models import Cable, CableStatus
    from sifara.cables.search import KIND, document
    from sifara.core import search

    search.clear(kind=KIND)
    ids = Cable.objects.exclude(status=CableStatus.DRAFT).values_list("pk", flat=True)
    count = search.index_many(doc for doc in (document(i) for i in ids.iterator()) if doc)
    print(f"{count} cables indexed")
    return 0
