"""The signed machine-readable registry: /verify/registry.json, .sig and public-key.pem."""

from __future__ import annotations

import base64
import html as html_lib
import json
import re
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from django.test import Client

from sifara.accounts import registry_export
from sifara.accounts.models import AccountStatus, OfficialAccount
from sifara.accounts.tests.test_public_verify import Registry, assert_no_secrets, build_registry
from sifara.core import signing

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry() -> Registry:
    return build_registry()


def _published(client: Client) -> tuple[bytes, bytes, Ed25519PublicKey]:
    body = client.get("/verify/registry.json").content
    signature = base64.b64decode(client.get("/verify/registry.json.sig").content)
    key = load_pem_public_key(client.get("/verify/public-key.pem").content)
    assert isinstance(key, Ed25519PublicKey)
    return body, signature, key


def test_signature_verifies_with_the_published_public_key(registry, client):
    body, signature, key = _published(client)
    key.verify(signature, body)  # raises InvalidSignature otherwise
    assert signing.verify(body, signature, client.get("/verify/public-key.pem").content)


def test_one_changed_byte_breaks_the_signature(registry, client):
    body, signature, key = _published(client)
    for position in (0, len(body) // 2, len(body) - 1):
        tampered = bytearray(body)
        tampered[position] ^= 0x01
        with pytest.raises(InvalidSignature):
            key.verify(signature, bytes(tampered))
    with pytest.raises(InvalidSignature):
        key.verify(signature, body + b" ")


def test_json_is_byte_identical_across_requests(registry, client):
    first = client.get("/verify/registry.json")
    second = Client().get("/verify/registry.json")
    assert first.content == second.content
    assert first["ETag"] == second["ETag"]
    assert client.get("/verify/registry.json.sig").content == (
        Client().get("/verify/registry.json.sig").content
    )


def test_json_is_canonical_and_lists_documented_accounts_only(registry, client):
    response = client.get("/verify/registry.json")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = response.content
    document = json.loads(body)
    canonical = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert body == canonical.encode("utf-8")
    assert "وزارة الخارجية".encode() in body  # UTF-8, not \u escapes
    assert document["publisher"] == {
        "ar": "وزارة الخارجية (نسخة تجريبية)",
        "en": "Ministry of Foreign Affairs (demonstration)",
    }
    assert document["key_id"] == signing.key_id()
    handles = [(a["platform"], a["handle"]) for a in document["accounts"]]
    assert handles == [("telegram", "embtokyo"), ("x", "mofa_demo")]  # by unit code
    official = document["accounts"][1]
    assert official == {
        "unit": {
            "code": "hq-media",
            "kind": "hq_department",
            "name_ar": "إدارة الإعلام",
            "name_en": "Media Department",
        },
        "platform": "x",
        "handle": "mofa_demo",
        "profile_url": "https://x.com/mofa_demo",
        "platform_account_id": None,
        "kind": "institutional",
        "display_name_ar": "وزارة الخارجية",
        "display_name_en": "Ministry of Foreign Affairs",
        "office_title_ar": "",
        "office_title_en": "",
        "platform_verified": True,
        "documented_on": "2020-01-15",
    }
    assert_no_secrets(body.decode())
    assert b"embtokyo_old" not in body and b"embtokyo_2019" not in body


def test_generated_at_is_the_latest_change_not_the_clock(registry, client):
    latest = datetime(2024, 2, 3, 4, 5, 6, tzinfo=UTC)
    OfficialAccount.objects.filter(pk=registry.official.pk).update(updated_at=latest)
    OfficialAccount.objects.filter(pk=registry.telegram.pk).update(
        updated_at=latest - timedelta(days=3)
    )
    for model in (registry.hq, registry.tokyo):
        type(model).objects.filter(pk=model.pk).update(updated_at=latest - timedelta(days=9))
    from sifara.accounts.models import Platform

    Platform.objects.update(updated_at=latest - timedelta(days=30))
    document = json.loads(client.get("/verify/registry.json").content)
    assert document["generated_at"] == "2024-02-03T04:05:06Z"


def test_a_change_changes_the_document_and_it_still_verifies(registry, client):
    before = client.get("/verify/registry.json").content
    registry.suspended.status = AccountStatus.DOCUMENTED
    registry.suspended.save()
    body, signature, key = _published(client)
    assert body != before and b"embtokyo_old" in body
    key.verify(signature, body)


def test_empty_registry_is_still_signed(db, client):
    body, signature, key = _published(client)
    document = json.loads(body)
    assert document["accounts"] == [] and document["generated_at"] is None
    key.verify(signature, body)


def test_headers_and_conditional_get(registry, client):
    response = client.get("/verify/registry.json")
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["X-Sifara-Key-Id"] == signing.key_id()
    again = client.get("/verify/registry.json", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304 and again.content == b""
    sig = client.get("/verify/registry.json.sig")
    assert sig["Content-Type"].startswith("text/plain") and sig["ETag"] == response["ETag"]
    pem = client.get("/verify/public-key.pem")
    assert pem.content.startswith(b"-----BEGIN PUBLIC KEY-----")
    assert "max-age=3600" in pem["Cache-Control"]
    assert client.post("/verify/registry.json").status_code in (403, 405)


def test_export_functions_agree_with_the_views(registry, client):
    signed = registry_export.registry_signed()
    assert (
        signed.body
        == client.get("/verify/registry.json").content
        == registry_export.registry_json()
    )
    assert signed.signature_b64 + "\n" == client.get("/verify/registry.json.sig").content.decode()


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is not installed")
def test_the_documented_openssl_command_verifies(registry, client, tmp_path):
    body, signature, _key = _published(client)
    (tmp_path / "registry.json").write_bytes(body)
    (tmp_path / "registry.sig.bin").write_bytes(signature)
    (tmp_path / "public-key.pem").write_bytes(client.get("/verify/public-key.pem").content)
    command = [
        "openssl", "pkeyutl", "-verify", "-pubin", "-inkey", "public-key.pem",
        "-rawin", "-in", "registry.json", "-sigfile", "registry.sig.bin",
    ]  # fmt: skip
    ok = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=False)
    assert ok.returncode == 0 and "Verified Successfully" in ok.stdout
    (tmp_path / "registry.json").write_bytes(body.replace(b"mofa_demo", b"mofa_demx", 1))
    bad = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=False)
    assert bad.returncode != 0


def _sample(html: str, testid: str) -> str:
    match = re.search(rf'data-testid="{testid}"><code>(.*?)</code></pre>', html, re.S)
    assert match is not None
    return html_lib.unescape(match.group(1))


def test_the_python_sample_on_the_about_page_works(registry, client, tmp_path):
    body = client.get("/verify/registry.json").content
    (tmp_path / "registry.json").write_bytes(body)
    (tmp_path / "registry.json.sig").write_bytes(client.get("/verify/registry.json.sig").content)
    (tmp_path / "public-key.pem").write_bytes(client.get("/verify/public-key.pem").content)
    code = _sample(client.get("/verify/about/").content.decode(), "python-sample")
    run = [sys.executable, "-c", code]
    ok = subprocess.run(run, cwd=tmp_path, capture_output=True, text=True, check=False)
    assert ok.returncode == 0 and ok.stdout.strip() == "valid", ok.stderr
    (tmp_path / "registry.json").write_bytes(body.replace(b'"x"', b'"X"', 1))
    bad = subprocess.run(run, cwd=tmp_path, capture_output=True, text=True, check=False)
    assert bad.returncode != 0 and "InvalidSignature" in bad.stderr
