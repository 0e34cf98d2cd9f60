"""Client addresses: direct, behind trusted proxies, and forged headers."""

from __future__ import annotations

from django.test import RequestFactory, override_settings

from sifara.core.net import client_ip

rf = RequestFactory()


def test_direct_connection_uses_remote_addr_and_ignores_forwarded_header():
    request = rf.get("/", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(request) == "203.0.113.7"


@override_settings(SIFARA_PROXY_HOPS=1)
def test_behind_one_proxy_the_rightmost_entry_is_the_client():
    # The client forged "1.2.3.4"; our proxy appended the real address.
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.9")
    assert client_ip(request) == "198.51.100.9"


@override_settings(SIFARA_PROXY_HOPS=2)
def test_behind_two_proxies():
    request = rf.get("/", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.9, 10.0.0.3")
    assert client_ip(request) == "198.51.100.9"


@override_settings(SIFARA_PROXY_HOPS=1)
def test_garbage_and_missing_headers_give_no_address():
    assert client_ip(rf.get("/", HTTP_X_FORWARDED_FOR="unknown")) is None
    assert client_ip(rf.get("/")) is None


def test_ipv6_is_normalised():
    assert client_ip(rf.get("/", REMOTE_ADDR="2001:DB8:0:0::1")) == "2001:db8::1"
