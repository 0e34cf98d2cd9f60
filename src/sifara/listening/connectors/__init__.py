"""Connectors: each turns one platform's documented format into :class:`RawItem` s.

* :mod:`.rss` — RSS 2.0 / Atom feeds (feedparser), polled with conditional requests;
* :mod:`.mastodon` — Mastodon ``/api/v1/timelines/tag/:hashtag`` Status entities;
* :mod:`.telegram` — Telegram Bot API ``getUpdates`` (``channel_post`` Messages);
* :mod:`.bluesky` — Bluesky's public Jetstream firehose (``app.bsky.feed.post`` commits);
* :mod:`.files` — JSONL/CSV in Sifara's documented schema and X API v2 JSON.

Polling connectors implement :class:`~sifara.listening.connectors.base.PollConnector`;
the runner (:mod:`sifara.listening.runner`) schedules them, backs off on failure
and records their health.
"""
