"""The 500 page is bilingual and needs no database or context; the API gets JSON."""

from __future__ import annotations

import json

from django.test import RequestFactory

from sifara.core.views import server_error


def test_500_page_is_bilingual_and_static():
    response = server_error(RequestFactory().get("/directory/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert 'lang="ar" dir="rtl"' in html and 'lang="en" dir="ltr"' in html
    assert "حدث خطأ داخلي" in html and "Internal error" in html
    assert "<script" not in html


def test_500_on_the_api_is_json():
    response = server_error(RequestFactory().get("/api/v1/units/"))
    assert response.status_code == 500
    assert json.loads(response.content)["error"]["code"] == "server_error"
