"""GET /api/v1/public/verify/: public, unauthenticated, throttled."""

from __future__ import annotations

import json

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from sifara.accounts.public_api import PublicVerifyThrottle
from sifara.accounts.tests.test_public_verify import Registry, assert_no_secrets, build_registry

pytestmark = pytest.mark.django_db
URL = "/api/v1/public/verify/"


@pytest.fixture
def registry() -> Registry:
    return build_registry()


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def test_official(registry, api):
    response = api.get(URL, {"q": "https://twitter.com/MOFA_Demo?s=20"})
    assert response.status_code == 200
    body = response.json()
    assert body["result"] == "official"
    assert body["reference"] == {"platform": "x", "handle": "mofa_demo", "by_id": False}
    [match] = body["matches"]
    assert match["kind"] == "official" and match["impersonator"] is None
    account = match["account"]
    assert account["unit"]["name_en"] == "Media Department"
    assert account["platform"] == "x" and account["platform_verified"] is True
    assert account["platform_verified_on"] == "2021-03-01"
    assert account["documented_on"] == "2020-01-15"
    assert account["status"] == "documented"
    assert_no_secrets(response.content.decode())
    assert "custodians" not in response.content.decode()


def test_impersonator(registry, api):
    body = api.get(URL, {"q": "mofa_dem0", "platform": "x"}).json()
    assert body["result"] == "impersonator"
    imp = body["matches"][0]["impersonator"]
    assert imp["reported_on"] == "2025-05-04" and imp["handle"] == "mofa_dem0"
    assert imp["imitates"]["handle"] == "mofa_demo"
    assert set(imp) == {"platform", "handle", "reported_on", "removed", "imitates"}


@pytest.mark.parametrize(
    "q", ["@nobody", "x.com/mofa_pend1ng", "x.com/mofa_parody", "instagram.com/mofa_pending"]
)
def test_not_found(registry, api, q):
    response = api.get(URL, {"q": q})
    assert response.json() == {
        "result": "not_found",
        "reference": response.json()["reference"],
        "matches": [],
    }
    assert_no_secrets(response.content.decode(), asked=q)


def test_suspended_is_a_former_official_match(registry, api):
    body = api.get(URL, {"q": "x.com/embtokyo_old"}).json()
    assert body["result"] == "not_found"
    assert [(m["kind"], m["account"]["status"]) for m in body["matches"]] == [
        ("former_official", "suspended")
    ]


def test_bare_handle_lists_every_platform(registry, api):
    body = api.get(URL, {"q": "@embtokyo"}).json()
    assert body["result"] == "official"
    assert [m["kind"] for m in body["matches"]] == ["official", "impersonator"]


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": ""},
        {"q": "https://example.org/someone"},
        {"q": "a" * 5000},
        {"q": "@mofa_demo", "platform": "myspace"},
        {"q": "x.com/home"},
    ],
)
def test_bad_input_is_400_in_the_uniform_format(registry, api, params):
    response = api.get(URL, params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_account_reference"
    assert error["message"] and error["details"] == {}


def test_error_message_follows_the_language(registry, api):
    english = api.get(URL, {"q": "https://example.org/x"}, HTTP_ACCEPT_LANGUAGE="en").json()
    assert "is not a platform Sifara knows" in english["error"]["message"]


def test_no_authentication_is_needed_or_attempted(registry, api):
    response = api.get(URL, {"q": "@mofa_demo"}, HTTP_AUTHORIZATION="Token not-a-real-token")
    assert response.status_code == 200
    assert api.post(URL, {"q": "@mofa_demo"}).status_code == 405


def test_scoped_throttle_answers_429_in_the_uniform_format(registry, api, monkeypatch):
    monkeypatch.setattr(PublicVerifyThrottle, "THROTTLE_RATES", {"public_verify": "2/min"})
    statuses = [api.get(URL, {"q": "@mofa_demo"}).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    response = api.get(URL, {"q": "@mofa_demo"})
    assert response.status_code == 429 and "Retry-After" in response
    assert response.json()["error"]["code"] == "throttled"
    other = APIClient(REMOTE_ADDR="203.0.113.9")
    assert other.get(URL, {"q": "@mofa_demo"}).status_code == 200


def test_anonymous_rate_also_applies(registry, api, monkeypatch):
    from rest_framework.throttling import AnonRateThrottle

    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "1/min"})
    monkeypatch.setattr(PublicVerifyThrottle, "THROTTLE_RATES", {"public_verify": "100/min"})
    assert [api.get(URL, {"q": "@x"}).status_code for _ in range(2)] == [200, 429]


def test_in_the_openapi_schema_without_security():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"]["/api/v1/public/verify/"]["get"]
    assert operation["operationId"] == "public_verify"
    assert operation.get("security", []) in ([], [{}])
    names = {p["name"] for p in operation["parameters"]}
    assert {"q", "platform"} <= names
    assert {"200", "400", "429"} <= set(operation["responses"])
    ok = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok == {"$ref": "#/components/schemas/VerifyResponse"}  # one answer, not a list
    response = schema["components"]["schemas"]["VerifyResponse"]
    assert set(response["properties"]) == {"result", "reference", "matches"}
    json.dumps(schema)  # serialisable
