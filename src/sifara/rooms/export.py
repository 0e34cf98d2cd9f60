"""The situation log of an operations room, as HTML and as PDF (WeasyPrint).

The log is the viewer's view of the room: entries above the viewer's clearance
and cables outside their need-to-know are left out, and the document is marked
with the highest classification it actually contains. It is rendered in the
viewer's interface language (Arabic right to left, or English) with the
vendored IBM Plex Sans Arabic fonts, fetching nothing from the network (the
same font handling as the evidence packs in :mod:`sifara.accounts.evidence`).
Every export is audited as ``rooms.exported`` with its format, the number of
entries, the highest level included and the file's sha256.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language, get_language_bidi
from django.utils.translation import gettext as _

from sifara import audit
from sifara.core import policy
from sifara.core.errors import PermissionDeniedError
from sifara.core.models import Classification
from sifara.core.pdf import font_faces, render_pdf
from sifara.directory.models import User
from sifara.rooms import selectors
from sifara.rooms.models import EntryKind, OperationsRoom

FORMATS = ("pdf", "html")


def situation_log_context(
    *, user: User, room: OperationsRoom, now: datetime | None = None
) -> dict[str, Any]:
    entries = list(reversed(selectors.entry_list_for_user(user=user, room=room)))
    levels = [view.entry.classification for view in entries]
    top = max(levels, default=Classification.UNCLASSIFIED)
    moment = now or timezone.now()
    return {
        "room": room,
        "entries": entries,
        "decisions": [view for view in entries if view.entry.kind == EntryKind.DECISION],
        "tasks": selectors.task_list_for_user(user=user, room=room, now=moment),
        "checklist": selectors.checklist_for_user(user=user, room=room),
        "members": selectors.member_list_for_user(user=user, room=room),
        "linked_cables": selectors.linked_cables_for_user(user=user, room=room),
        "top_level": top,
        "top_label": Classification(top).label,
        "generated_at": moment,
        "generated_by": user,
        "ministry": settings.SIFARA_MINISTRY_NAME_AR
        if (get_language() or "ar")[:2] == "ar"
        else settings.SIFARA_MINISTRY_NAME_EN,
        "LANG": (get_language() or "ar")[:2],
        "DIR": "rtl" if get_language_bidi() else "ltr",
        "fonts": font_faces(),
    }


def _html(context: dict[str, Any], *, for_pdf: bool) -> str:
    return render_to_string("rooms/situation_log.html", {**context, "for_pdf": for_pdf})


def situation_log_export(
    *,
    actor: User,
    room: OperationsRoom,
    fmt: str,
    request: Any = None,
    now: datetime | None = None,
) -> bytes:
    """The situation log as ``pdf`` or ``html`` bytes; audited."""
    role = selectors.room_role_for_user(user=actor, room=room)
    if not policy.may_see_room(actor, room_role=role):
        raise selectors.room_not_found()
    if not policy.may_export_room(actor, room_role=role):
        raise PermissionDeniedError(_("Guests cannot export the situation log."))
    if fmt not in FORMATS:
        raise PermissionDeniedError(_("Unknown export format."))
    context = situation_log_context(user=actor, room=room, now=now)
    html = _html(context, for_pdf=fmt == "pdf")
    data = render_pdf(html) if fmt == "pdf" else html.encode("utf-8")
    audit.record(
        actor=actor,
        action="rooms.exported",
        target=room,
        details={
            "format": fmt,
            "entries": len(context["entries"]),
            "top_classification": int(context["top_level"]),
            "sha256": hashlib.sha256(data).hexdigest(),
            "room_status": room.status,
        },
        request=request,
    )
    return data


def filename(room: OperationsRoom, fmt: str) -> str:
    return f"{room.reference}-situation-log.{fmt}"
