"""The platforms Sifara knows out of the box (loaded by a data migration).

Domains and profile-URL shapes are the platforms' public ones; report URLs are
their published impersonation-report pages. Administrators may add platforms.
"""

from __future__ import annotations

from typing import Any

# code, English, Arabic, domains, profile URL template, impersonation report URL
PLATFORMS: list[tuple[str, str, str, list[str], str, str]] = [
    (
        "x",
        "X (Twitter)",
        "إكس (تويتر)",
        ["x.com", "twitter.com", "mobile.twitter.com", "mobile.x.com"],
        "https://x.com/{handle}",
        "https://help.x.com/forms/impersonation",
    ),
    (
        "facebook",
        "Facebook",
        "فيسبوك",
        ["facebook.com", "m.facebook.com", "web.facebook.com", "mbasic.facebook.com", "fb.com"],
        "https://www.facebook.com/{handle}",
        "https://www.facebook.com/help/contact/295309487309948",
    ),
    (
        "instagram",
        "Instagram",
        "إنستغرام",
        ["instagram.com", "instagr.am"],
        "https://www.instagram.com/{handle}/",
        "https://help.instagram.com/contact/636276399721841",
    ),
    (
        "youtube",
        "YouTube",
        "يوتيوب",
        ["youtube.com", "m.youtube.com"],
        "https://www.youtube.com/@{handle}",
        "https://support.google.com/youtube/answer/2801947",
    ),
    (
        "tiktok",
        "TikTok",
        "تيك توك",
        ["tiktok.com", "m.tiktok.com"],
        "https://www.tiktok.com/@{handle}",
        "https://www.tiktok.com/legal/report/Impersonation",
    ),
    (
        "telegram",
        "Telegram",
        "تيليغرام",
        ["t.me", "telegram.me", "telegram.dog"],
        "https://t.me/{handle}",
        "https://telegram.org/support",
    ),
    (
        "whatsapp",
        "WhatsApp Channels",
        "قنوات واتساب",
        ["whatsapp.com"],
        "https://whatsapp.com/channel/{handle}",
        "https://faq.whatsapp.com/",
    ),
    (
        "linkedin",
        "LinkedIn",
        "لينكدإن",
        ["linkedin.com"],
        "https://www.linkedin.com/company/{handle}/",
        "https://www.linkedin.com/help/linkedin/ask/TS-NFPI",
    ),
    (
        "threads",
        "Threads",
        "ثريدز",
        ["threads.net", "threads.com"],
        "https://www.threads.net/@{handle}",
        "https://help.instagram.com/contact/636276399721841",
    ),
    (
        "bluesky",
        "Bluesky",
        "بلوسكاي",
        ["bsky.app"],
        "https://bsky.app/profile/{handle}",
        "https://bsky.social/about/support",
    ),
    ("mastodon", "Mastodon", "ماستودون", [], "https://{instance}/@{user}", ""),
    (
        "snapchat",
        "Snapchat",
        "سناب شات",
        ["snapchat.com"],
        "https://www.snapchat.com/add/{handle}",
        "https://help.snapchat.com/hc/requests/new",
    ),
]


def upsert_platforms(platform_model: Any) -> int:
    for code, en, ar, domains, template, report in PLATFORMS:
        platform_model.objects.update_or_create(
            code=code,
            defaults={
                "name_en": en,
                "name_ar": ar,
                "domains": domains,
                "profile_url_template": template,
                "report_url": report,
            },
        )
    return len(PLATFORMS)
