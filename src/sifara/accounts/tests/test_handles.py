"""Every usual way of writing an account reference comes out canonical."""

from __future__ import annotations

import pytest

from sifara.accounts.handles import CanonicalHandle, HandleError, canonicalise


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # X / Twitter: bare, @, domains old and new, mobile, share query, status and intent links
        ("@MFA_Demo", CanonicalHandle(None, "mfa_demo")),
        ("x.com/MFA_Demo", CanonicalHandle("x", "mfa_demo")),
        ("https://x.com/MFA_Demo/", CanonicalHandle("x", "mfa_demo")),
        ("twitter.com/MFA_Demo?s=20", CanonicalHandle("x", "mfa_demo")),
        ("https://twitter.com/MFA_Demo?s=21&t=abc", CanonicalHandle("x", "mfa_demo")),
        ("https://mobile.twitter.com/MFA_Demo", CanonicalHandle("x", "mfa_demo")),
        ("https://x.com/MFA_Demo/status/1790000000000000000", CanonicalHandle("x", "mfa_demo")),
        ("https://twitter.com/intent/user?screen_name=MFA_Demo", CanonicalHandle("x", "mfa_demo")),
        # Facebook: www, mobile, web, fb.com, profile ids, /pg/ and /people/ forms
        ("https://www.facebook.com/MFA.Demo/", CanonicalHandle("facebook", "mfa.demo")),
        ("https://m.facebook.com/MFA.Demo", CanonicalHandle("facebook", "mfa.demo")),
        ("https://web.facebook.com/MFA.Demo/about", CanonicalHandle("facebook", "mfa.demo")),
        ("fb.com/MFA.Demo", CanonicalHandle("facebook", "mfa.demo")),
        (
            "https://www.facebook.com/profile.php?id=100012345678",
            CanonicalHandle("facebook", "100012345678", by_id=True),
        ),
        ("https://www.facebook.com/pg/MFA.Demo/posts/", CanonicalHandle("facebook", "mfa.demo")),
        (
            "https://www.facebook.com/people/Mfa-Demo/100012345678/",
            CanonicalHandle("facebook", "100012345678", by_id=True),
        ),
        # Instagram, with share parameters
        (
            "https://www.instagram.com/mfa.demo/?igsh=MzRlODBiNWFlZA==",
            CanonicalHandle("instagram", "mfa.demo"),
        ),
        ("instagr.am/mfa.demo", CanonicalHandle("instagram", "mfa.demo")),
        # YouTube handles, legacy names and channel ids
        ("https://www.youtube.com/@MFADemo", CanonicalHandle("youtube", "mfademo")),
        ("https://m.youtube.com/@MFADemo/videos", CanonicalHandle("youtube", "mfademo")),
        ("youtube.com/c/MFADemo", CanonicalHandle("youtube", "mfademo")),
        ("youtube.com/user/MFADemo", CanonicalHandle("youtube", "mfademo")),
        (
            "https://www.youtube.com/channel/UCabc123",
            CanonicalHandle("youtube", "ucabc123", by_id=True),
        ),
        # TikTok, Threads, Snapchat
        ("https://www.tiktok.com/@mfa_demo?lang=ar", CanonicalHandle("tiktok", "mfa_demo")),
        ("https://www.threads.net/@mfa.demo", CanonicalHandle("threads", "mfa.demo")),
        ("https://www.snapchat.com/add/mfademo", CanonicalHandle("snapchat", "mfademo")),
        # Telegram: t.me, preview, telegram.me, the app's own link
        ("t.me/mfa_demo", CanonicalHandle("telegram", "mfa_demo")),
        ("https://t.me/s/mfa_demo", CanonicalHandle("telegram", "mfa_demo")),
        ("telegram.me/mfa_demo", CanonicalHandle("telegram", "mfa_demo")),
        ("tg://resolve?domain=mfa_demo", CanonicalHandle("telegram", "mfa_demo")),
        # WhatsApp channels, LinkedIn, Bluesky, Mastodon
        (
            "https://whatsapp.com/channel/0029VaDemo",
            CanonicalHandle("whatsapp", "0029vademo", by_id=True),
        ),
        ("https://www.linkedin.com/company/mfa-demo/", CanonicalHandle("linkedin", "mfa-demo")),
        (
            "https://bsky.app/profile/mfa.demo.example",
            CanonicalHandle("bluesky", "mfa.demo.example"),
        ),
        (
            "https://bsky.app/profile/did:plc:abc123",
            CanonicalHandle("bluesky", "did:plc:abc123", by_id=True),
        ),
        ("@embassy@diplomats.social", CanonicalHandle("mastodon", "embassy@diplomats.social")),
        (
            "https://diplomats.social/@embassy",
            CanonicalHandle("mastodon", "embassy@diplomats.social"),
        ),
        # Pasted with invisible characters and full-width letters
        ("\u200fx.com/MFA_Demo\u200e", CanonicalHandle("x", "mfa_demo")),
        ("＠ＭＦＡ_Ｄｅｍｏ", CanonicalHandle(None, "mfa_demo")),
    ],
)
def test_canonical_forms(text: str, expected: CanonicalHandle) -> None:
    assert canonicalise(text) == expected


def test_platform_hint_applies_to_bare_handles_only() -> None:
    assert canonicalise("@MFA_Demo", platform="telegram") == CanonicalHandle("telegram", "mfa_demo")
    assert canonicalise("x.com/MFA_Demo", platform="telegram").platform == "x"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "x.com/home",
        "https://twitter.com/search?q=mfa",
        "https://www.instagram.com/p/Cxyz123/",
        "https://www.facebook.com/groups/123",
        "https://vm.tiktok.com/ZMabc/",
        "https://youtu.be/dQw4w9WgXcQ",
        "https://example.com/mfa_demo",
        "ftp://x.com/mfa_demo",
        "javascript:alert(1)",
        "<script>alert(1)</script>",
        "mfa demo with spaces",
        "a" * 600,
        "t.me/joinchat/AAAA",
    ],
)
def test_garbage_gets_a_clear_error(text: str) -> None:
    with pytest.raises(HandleError) as caught:
        canonicalise(text)
    assert str(caught.value.message)


def test_configured_platform_domains_are_honoured() -> None:
    domains = {"vk.com": "vk"}
    assert canonicalise("https://vk.com/mfa_demo", domains=domains) == CanonicalHandle(
        "vk", "mfa_demo"
    )
    with pytest.raises(HandleError):
        canonicalise("https://x.com/mfa_demo", domains=domains)
