"""Demo content of the operations rooms module (loaded by ``sifara demo``; idempotent).

Fictional: an open room for the evacuation of nationals after a cyclone (HQ
consular department, the embassy in Nairobi, the Ministry of Interior and an
outside logistics expert as a guest), and a closed room with the situation log
of a past summit. Rooms are made through the services, as a user would; only
the timestamps of the past summit are moved back afterwards.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TextIO

from django.db import transaction
from django.utils import timezone

from sifara.core.models import Classification
from sifara.directory.demo import DEMO_PASSWORD, _credentials
from sifara.directory.models import Membership, Unit, User
from sifara.rooms import services
from sifara.rooms.models import (
    ChecklistItem,
    GuestAccount,
    OperationsRoom,
    RoomEntry,
    RoomTask,
)

EVACUATION_TITLE = "إجلاء الرعايا بعد الإعصار «أمارا» · Evacuation after Cyclone Amara (fictional)"
SUMMIT_TITLE = (
    "القمة الاقتصادية الإقليمية في جاكرتا · Regional economic summit, Jakarta (fictional)"
)

# username, name EN, name AR, title EN, title AR, clearance, (role, unit) or None for a guest
PEOPLE: list[tuple[str, str, str, str, str, int, tuple[str, str] | None]] = [
    (
        "consular.hq",
        "Ambassador Faisal Al-Qadi",
        "السفير فيصل القاضي",
        "Director of Consular Affairs",
        "مدير إدارة الشؤون القنصلية",
        Classification.SECRET,
        ("head_of_mission", "hq-consular"),
    ),
    (
        "ops.consular",
        "Lina Hamdan",
        "لينا حمدان",
        "Consular crisis officer",
        "مسؤولة الأزمات القنصلية",
        Classification.CONFIDENTIAL,
        ("consular_officer", "hq-consular"),
    ),
    (
        "deputy.nairobi",
        "Khaled Mansour",
        "خالد منصور",
        "Deputy Head of Mission, Nairobi",
        "نائب رئيس البعثة في نيروبي",
        Classification.CONFIDENTIAL,
        ("diplomat", "emb-nairobi"),
    ),
    (
        "liaison.interior",
        "Colonel Nabil Saeed",
        "العقيد نبيل سعيد",
        "Liaison officer, passports and borders",
        "ضابط الاتصال، الجوازات والمنافذ",
        Classification.RESTRICTED,
        ("liaison", "pm-interior"),
    ),
    (
        "guest.logistics",
        "Dr Sara Lindqvist",
        "د. سارة ليندكفيست",
        "Independent humanitarian logistics adviser",
        "مستشارة مستقلة للخدمات اللوجستية الإنسانية",
        Classification.UNCLASSIFIED,
        None,
    ),
]


def _people() -> dict[str, User]:
    people: dict[str, User] = {}
    for username, en, ar, title_en, title_ar, clearance, role in PEOPLE:
        user, created = User.objects.get_or_create(username=username)
        user.full_name_en, user.full_name_ar = en, ar
        user.job_title_en, user.job_title_ar = title_en, title_ar
        user.clearance = int(clearance)
        user.email = f"{username}@{'example.org' if role is None else 'mfa.example'}"
        user.is_active = True
        user.preferred_language = "en" if role is None else "ar"
        if created or not user.has_usable_password():
            user.set_password(DEMO_PASSWORD)
        user.save()
        if role is None:
            GuestAccount.objects.get_or_create(user=user, defaults={"organisation": title_en})
        else:
            Membership.objects.get_or_create(
                user=user,
                unit=Unit.objects.get(code=role[1]),
                role=role[0],
                defaults={"is_primary": True},
            )
        people[username] = user
    return people


def _add(room: OperationsRoom, actor: User, person: User, role: str = "member") -> None:
    if not room.members.filter(user=person).exists():
        services.room_member_add(actor=actor, room=room, person=person, role=role)


def _evacuation(people: dict[str, User]) -> OperationsRoom:
    lead = people["consular.hq"]
    room = services.room_open(
        actor=lead,
        title=EVACUATION_TITLE,
        kind="evacuation",
        ceiling=Classification.CONFIDENTIAL,
        lead_unit=Unit.objects.get(code="hq-consular"),
        summary=(
            "ضرب الإعصار «أمارا» الساحل ليلًا، ويوجد نحو 340 مواطنًا مسجلًا في المنطقة المتضررة، "
            "وتتولى السفارة تنظيم نقاط التجمع. / Cyclone Amara made landfall overnight; "
            "about 340 registered nationals are in the affected area."
        ),
    )
    for username in ("ops.consular", "deputy.nairobi", "liaison.interior"):
        _add(room, lead, people[username])
    guest = people["guest.logistics"]
    _add(room, lead, guest, role="guest")
    post = services.entry_post
    post(
        actor=people["deputy.nairobi"],
        room=room,
        kind="status",
        text=(
            "Embassy staff accounted for. Two assembly points open: the embassy and the port hotel."
        ),
    )
    post(
        actor=people["ops.consular"],
        room=room,
        kind="message",
        text="فُعّل الخط الساخن القنصلي. استجاب حتى الآن 212 من أصل 340 مواطنًا مسجلًا.",
    )
    post(
        actor=guest,
        room=room,
        kind="message",
        text="The coastal road is flooded north of the port; buses should use the inland route.",
    )
    post(
        actor=people["liaison.interior"],
        room=room,
        kind="message",
        text="Emergency travel documents can be issued at the airport on arrival.",
        classification=Classification.RESTRICTED,
    )
    post(
        actor=lead,
        room=room,
        kind="decision",
        text=(
            "تقرر استئجار طائرتين يوم الخميس، وتُعطى الأولوية للأسر التي لديها أطفال وللمصابين. "
            "وافقت سلطات البلد المضيف بصورة سرية على موعد للهبوط."
        ),
        classification=Classification.CONFIDENTIAL,
    )
    now = timezone.now()
    services.task_create(
        actor=lead,
        room=room,
        title="Confirm the landing slot with the host civil aviation authority",
        owner=people["deputy.nairobi"],
        due_at=now - timedelta(hours=2),
    )
    services.task_create(
        actor=lead,
        room=room,
        title="Publish the evacuation notice on the ministry's official accounts",
        owner=people["ops.consular"],
        due_at=now + timedelta(hours=4),
    )
    services.task_create(
        actor=lead,
        room=room,
        title="Send the inland route map to the assembly points",
        owner=guest,
        due_at=now + timedelta(hours=1),
    )
    for item in ChecklistItem.objects.filter(room=room, phase="triage").order_by("position")[:3]:
        services.checklist_item_set(actor=people["ops.consular"], item=item, done=True)
    return room


def _summit() -> OperationsRoom:
    owner = User.objects.get(username="delegate.bonn")
    room = services.room_open(
        actor=owner,
        title=SUMMIT_TITLE,
        kind="summit",
        ceiling=Classification.CONFIDENTIAL,
        lead_unit=Unit.objects.get(code="hq-minister"),
        summary="The Minister's participation in the summit: programme, bilaterals, press.",
    )
    for username in ("desk.asia", "legal.hq"):
        person = User.objects.filter(username=username).first()
        if person is not None:
            _add(room, owner, person)
    desk = User.objects.get(username="desk.asia")
    services.entry_post(
        actor=desk,
        room=room,
        kind="status",
        text="Delegation of nine accredited; programme circulated to all members.",
    )
    services.entry_post(
        actor=owner,
        room=room,
        kind="decision",
        text="وافق معالي الوزير على عقد اللقاء الثنائي في اليوم الثاني.",
        classification=Classification.RESTRICTED,
    )
    services.entry_post(
        actor=desk,
        room=room,
        kind="message",
        text="Host side hinted at a joint statement on trade corridors; legal to review the draft.",
        classification=Classification.CONFIDENTIAL,
    )
    task = services.task_create(
        actor=owner,
        room=room,
        title="Send thank-you letters to the host foreign ministry",
        owner=desk,
        due_at=timezone.now() + timedelta(hours=1),
    )
    services.task_complete(actor=desk, task=task)
    for item in ChecklistItem.objects.filter(room=room):
        services.checklist_item_set(actor=owner, item=item, done=True)
    services.room_close(actor=owner, room=room)
    # A past summit: move the record back in time, spread over two days (demo data only).
    opened = timezone.now() - timedelta(days=47)
    step = timedelta(hours=3)
    for index, entry in enumerate(RoomEntry.objects.filter(room=room).order_by("id")):
        RoomEntry.objects.filter(pk=entry.pk).update(created_at=opened + index * step)
    last = opened + RoomEntry.objects.filter(room=room).count() * step
    RoomTask.objects.filter(room=room).update(
        created_at=opened + step, due_at=opened + 8 * step, done_at=opened + 6 * step
    )
    ChecklistItem.objects.filter(room=room).update(done_at=last - step)
    OperationsRoom.objects.filter(pk=room.pk).update(created_at=opened, closed_at=last)
    room.refresh_from_db()
    return room


def load_demo(*, out: TextIO) -> None:
    """Load the demo content of this module."""
    with transaction.atomic():
        people = _people()
        evacuation = OperationsRoom.objects.filter(title=EVACUATION_TITLE).first()
        if evacuation is None:
            evacuation = _evacuation(people)
        summit = OperationsRoom.objects.filter(title=SUMMIT_TITLE).first()
        if summit is None and User.objects.filter(username="delegate.bonn").exists():
            summit = _summit()
    out.write(
        "\nOperations rooms (fictional): "
        f"{evacuation.reference} open (evacuation)"
        + (f", {summit.reference} closed (summit, situation log exportable)" if summit else "")
        + ".\n"
    )
    for username, _en, _ar, _title_en, _title_ar, clearance, role in PEOPLE:
        user = people[username]
        secret, codes = _credentials(user)
        label = f"{role[0]}@{role[1]}" if role else f"room guest of {evacuation.reference} only"
        out.write(
            f"  {user.username:<16} clearance {Classification(clearance).name:<12} {label}\n"
            f"  {'':<16} TOTP secret {secret}\n"
            f"  {'':<16} recovery codes {' '.join(codes)}\n"
        )
