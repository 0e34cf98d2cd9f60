"""The OpenAPI schema generates, validates as OpenAPI 3 and documents the API."""

from __future__ import annotations

import pytest
import yaml
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema


@pytest.mark.django_db
def test_schema_is_valid_openapi_3():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)  # raises on an invalid document
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    assert "/api/v1/units/" in paths and "/api/v1/people/{id}/" in paths
    assert "post" in paths["/api/v1/units/"]


@pytest.mark.django_db
def test_schema_endpoint_serves_yaml(verified_client, admin_user):
    response = verified_client(admin_user).get("/api/schema/")
    assert response.status_code == 200
    document = yaml.safe_load(response.content)
    assert document["info"]["title"] == "Sifara API"


@pytest.mark.django_db
def test_schema_and_docs_need_a_signed_in_user(client):
    assert client.get("/api/schema/").status_code in (401, 403)
    assert client.get("/api/docs/").status_code in (401, 403)


@pytest.mark.django_db
def test_docs_are_self_hosted_and_csp_clean(verified_client, admin_user):
    client = verified_client(admin_user)
    html = client.get("/api/docs/").content.decode()
    assert "cdn.jsdelivr.net" not in html and "<script>" not in html and "<style>" not in html
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and b"SwaggerUIBundle" in script.content


@pytest.mark.django_db
def test_api_rate_limit_answers_429_in_the_uniform_format(verified_client, admin_user, monkeypatch):
    from rest_framework.throttling import UserRateThrottle

    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "3/min"})
    client = verified_client(admin_user)
    statuses = [client.get("/api/v1/units/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.get("/api/v1/units/")
    assert response.status_code == 429 and "Retry-After" in response
    assert response.json()["error"]["code"] == "throttled"
