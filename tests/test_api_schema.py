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
def test_schema_endpoint_serves_yaml(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    document = yaml.safe_load(response.content)
    assert document["info"]["title"] == "Sifara API"
