"""Cable content: sanitising, encryption at rest, canonical form, signatures.

* Subjects and paragraphs of cables above UNCLASSIFIED are sealed with the
  cable's own data key (``core.crypto``), bound to ``cable:<id>:<field>``; a
  ciphertext moved to another cable or field does not decrypt.
* On release the canonical JSON of everything released (metadata, subject,
  paragraphs with their portion marks, addressees, references, attachments'
  SHA-256) is signed with the releasing unit's Ed25519 key. Each unit key's
  public half is certified by the ministry's signing key (kept outside the
  database), so a swapped public key is detected too.
* :func:`open_cable` decrypts and verifies for display: a tampered ciphertext
  or wrapped key gives ``unreadable``; any change to signed content, the
  signature or the key gives ``altered``. Never silently wrong.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC
from typing import Any

import nh3
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from sifara.cables.models import Attachment, Cable, CableStatus, UnitKey
from sifara.core import crypto, signing
from sifara.core.models import Classification
from sifara.directory.models import Unit

ALLOWED_TAGS = {"b", "strong", "i", "em", "u", "br", "ul", "ol", "li", "p"}
PORTION_MARKS = {0: "U", 1: "R", 2: "C", 3: "S"}
_CERT_CONTEXT = b"sifara:cable-unit-key:v1:"

INTACT = "intact"
ALTERED = "altered"
UNREADABLE = "unreadable"
UNSIGNED = "unsigned"


def sanitize(text: str) -> str:
    """Keep only simple formatting; scripts, handlers, links and styles go."""
    return nh3.clean(text.replace("\r\n", "\n"), tags=ALLOWED_TAGS, attributes={}).strip()


def context(cable_id: int, name: str) -> bytes:
    return f"cable:{cable_id}:{name}".encode()


def paragraphs_json(paragraphs: list[dict[str, Any]]) -> str:
    return json.dumps(
        [{"mark": int(p["mark"]), "text": str(p["text"])} for p in paragraphs],
        ensure_ascii=False,
        separators=(",", ":"),
    )


def store_content(cable: Cable, *, subject: str, paragraphs: list[dict[str, Any]]) -> None:
    """Put subject and paragraphs on ``cable`` (saved, with an id): in clear if
    UNCLASSIFIED, else sealed with its data key (created on first need)."""
    body = paragraphs_json(paragraphs)
    if cable.classification > Classification.UNCLASSIFIED:
        if cable.data_key_id is None:
            cable.data_key = crypto.new_data_key(purpose="cable")
        assert cable.data_key is not None
        cable.subject_sealed = crypto.encrypt_text(
            subject, key=cable.data_key, context=context(cable.pk, "subject")
        )
        cable.body_sealed = crypto.encrypt_text(
            body, key=cable.data_key, context=context(cable.pk, "body")
        )
        cable.subject_text = ""
        cable.body_text = ""
    else:
        cable.subject_text = subject
        cable.body_text = body
        cable.subject_sealed = None
        cable.body_sealed = None


def read_subject(cable: Cable) -> str:
    """The subject. Raises :class:`crypto.DecryptionError` when it cannot be read."""
    if cable.subject_sealed is None:
        if cable.classification > Classification.UNCLASSIFIED:
            raise crypto.DecryptionError("classified subject stored in clear")
        return cable.subject_text
    if cable.data_key is None:
        raise crypto.DecryptionError("no data key")
    return crypto.decrypt_text(
        bytes(cable.subject_sealed), key=cable.data_key, context=context(cable.pk, "subject")
    )


def read_paragraphs(cable: Cable) -> list[dict[str, Any]]:
    if cable.body_sealed is None:
        if cable.classification > Classification.UNCLASSIFIED:
            raise crypto.DecryptionError("classified body stored in clear")
        raw = cable.body_text or "[]"
    else:
        if cable.data_key is None:
            raise crypto.DecryptionError("no data key")
        raw = crypto.decrypt_text(
            bytes(cable.body_sealed), key=cable.data_key, context=context(cable.pk, "body")
        )
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise crypto.DecryptionError("body is not valid") from exc
    if not isinstance(data, list):
        raise crypto.DecryptionError("body is not valid")
    return [{"mark": int(p.get("mark", 0)), "text": str(p.get("text", ""))} for p in data]


def seal_attachment(cable: Cable, attachment: Attachment, data: bytes) -> None:
    attachment.sha256 = hashlib.sha256(data).hexdigest()
    attachment.size = len(data)
    if cable.classification > Classification.UNCLASSIFIED:
        if cable.data_key_id is None:
            cable.data_key = crypto.new_data_key(purpose="cable")
            cable.save(update_fields=["data_key", "updated_at"])
        assert cable.data_key is not None
        attachment.content = crypto.encrypt(
            data, key=cable.data_key, context=context(cable.pk, f"attachment:{attachment.sha256}")
        )
    else:
        attachment.content = data


def read_attachment(cable: Cable, attachment: Attachment) -> bytes:
    """The attachment's bytes, checked against its SHA-256. Raises DecryptionError."""
    if cable.classification > Classification.UNCLASSIFIED:
        if cable.data_key is None:
            raise crypto.DecryptionError("no data key")
        data = crypto.decrypt(
            bytes(attachment.content),
            key=cable.data_key,
            context=context(cable.pk, f"attachment:{attachment.sha256}"),
        )
    else:
        data = bytes(attachment.content)
    if hashlib.sha256(data).hexdigest() != attachment.sha256:
        raise crypto.DecryptionError("attachment does not match its digest")
    return data


# --- Unit keys --------------------------------------------------------------------


def _certificate_payload(unit_id: int, public_key: bytes) -> bytes:
    return _CERT_CONTEXT + str(unit_id).encode() + b":" + public_key


def unit_key_get_or_create(unit: Unit) -> UnitKey:
    """The unit's signing key, created on its first release (call in a transaction)."""
    existing = UnitKey.objects.select_related("data_key").filter(unit=unit).first()
    if existing is not None:
        return existing
    private = Ed25519PrivateKey.generate()
    seed = private.private_bytes(
        encoding=serialization.Encoding.Raw,
        format=serialization.PrivateFormat.Raw,
        encryption_algorithm=serialization.NoEncryption(),
    )
    public = private.public_key().public_bytes(
        encoding=serialization.Encoding.Raw, format=serialization.PublicFormat.Raw
    )
    data_key = crypto.new_data_key(purpose="cable-unit-key")
    return UnitKey.objects.create(
        unit=unit,
        public_key=public,
        data_key=data_key,
        sealed_seed=crypto.encrypt(seed, key=data_key, context=_seed_context(unit.pk)),
        certificate=signing.sign(_certificate_payload(unit.pk, public)),
    )


def _seed_context(unit_id: int) -> bytes:
    return f"cable-unit-key:{unit_id}:seed".encode()


def unit_sign(key: UnitKey, data: bytes) -> bytes:
    seed = crypto.decrypt(
        bytes(key.sealed_seed), key=key.data_key, context=_seed_context(key.unit_id)
    )
    return Ed25519PrivateKey.from_private_bytes(seed).sign(data)


_CERTIFIED: dict[tuple[int, bytes, bytes, bytes], bool] = {}


def unit_key_certified(key: UnitKey) -> bool:
    """Whether the ministry's signing key certified this unit key. Memoised on
    the exact bytes checked (and the ministry key), so a changed row is checked afresh."""
    ministry = signing.public_key_raw()
    memo = (key.unit_id, bytes(key.public_key), bytes(key.certificate), ministry)
    known = _CERTIFIED.get(memo)
    if known is None:
        known = signing.verify(
            _certificate_payload(key.unit_id, bytes(key.public_key)),
            bytes(key.certificate),
            signing.public_key_pem(),
        )
        if len(_CERTIFIED) > 10_000:
            _CERTIFIED.clear()
        _CERTIFIED[memo] = known
    return known


def unit_verify(key: UnitKey, data: bytes, signature: bytes) -> bool:
    if not unit_key_certified(key):
        return False
    try:
        Ed25519PublicKey.from_public_bytes(bytes(key.public_key)).verify(signature, data)
    except (InvalidSignature, ValueError):
        return False
    return True


def key_fingerprint(key: UnitKey) -> str:
    return hashlib.sha256(bytes(key.public_key)).hexdigest()[:16]


# --- Canonical form -------------------------------------------------------------


def canonical(cable: Cable, *, subject: str, paragraphs: list[dict[str, Any]]) -> bytes:
    """The signed form of a released cable: sorted keys, compact, UTF-8."""
    deliveries = sorted(
        cable.deliveries.select_related("unit").only("kind", "unit__code"),
        key=lambda d: (d.kind, d.unit.code),
    )
    payload = {
        "v": 1,
        "id": cable.pk,
        "reference": cable.reference,
        "drafting_unit": cable.drafting_unit.code,
        "drafter": cable.drafter.username,
        "released_by": cable.released_by.username if cable.released_by else None,
        "released_at": (
            cable.released_at.astimezone(UTC).isoformat(timespec="microseconds")
            if cable.released_at
            else None
        ),
        "classification": int(cable.classification),
        "precedence": int(cable.precedence),
        "captions": sorted(cable.captions),
        "tags": list(cable.tags),
        "subject": subject,
        "paragraphs": [{"mark": int(p["mark"]), "text": p["text"]} for p in paragraphs],
        "action": [d.unit.code for d in deliveries if d.kind == "action"],
        "info": [d.unit.code for d in deliveries if d.kind == "info"],
        "in_reply_to": cable.in_reply_to.reference if cable.in_reply_to else None,
        "references": sorted(r or "" for r in cable.references.values_list("reference", flat=True)),
        "attachments": [
            {"name": a.filename, "type": a.content_type, "size": a.size, "sha256": a.sha256}
            for a in cable.attachments.defer("content")
        ],
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


@dataclass
class OpenedCable:
    """A cable as shown: decrypted content and what its integrity check found."""

    cable: Cable
    subject: str = ""
    paragraphs: list[dict[str, Any]] = field(default_factory=list)
    integrity: str = UNSIGNED
    key_fingerprint: str = ""

    @property
    def readable(self) -> bool:
        return self.integrity != UNREADABLE

    @property
    def altered(self) -> bool:
        return self.integrity == ALTERED


def open_cable(cable: Cable) -> OpenedCable:
    """Decrypt and, for released cables, verify. Never raises for bad data."""
    opened = OpenedCable(cable=cable)
    try:
        opened.subject = read_subject(cable)
        opened.paragraphs = read_paragraphs(cable)
    except (crypto.DecryptionError, UnicodeDecodeError):
        opened.subject, opened.paragraphs = "", []
        opened.integrity = UNREADABLE
        return opened
    if cable.status == CableStatus.DRAFT:
        opened.integrity = UNSIGNED
        return opened
    key = cable.signing_key
    if key is None or cable.signature is None:
        opened.integrity = ALTERED
        return opened
    opened.key_fingerprint = key_fingerprint(key)
    data = canonical(cable, subject=opened.subject, paragraphs=opened.paragraphs)
    opened.integrity = INTACT if unit_verify(key, data, bytes(cable.signature)) else ALTERED
    return opened


def subject_or_none(cable: Cable) -> str | None:
    """The subject for lists, or ``None`` when it cannot be decrypted."""
    try:
        return read_subject(cable)
    except (crypto.DecryptionError, UnicodeDecodeError):
        return None
