"""Near-duplicate groups: which posts are near-identical copies of a recent one.

Pure code (no database, no Django settings), so that it runs where the
analysis runs: inline, or in the pipeline's helper process. Each group gets a
*token* (a number increasing with creation); the pipeline maps tokens to the
stored :class:`~sifara.listening.models.Cluster` rows, so this module never
needs a database id.

A group holds the fingerprint of its first post, when it was first and last
seen, its first post's key, its authors (up to 10,000), its size and a sample
text. :func:`group_batch` assigns a batch's posts to groups in order and
returns, per post, the token of its group and whether it is a near-duplicate,
plus a snapshot of every group that grew in the batch and has posts from two
or more accounts — the ones to store as clusters.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from typing import NamedTuple

from sifara.listening import fingerprint as fp

#: Fingerprints compared per band when looking for a near-duplicate (newest first).
BAND_CHECKS = 24
#: Groups kept (the oldest go first); at high rates this, not the time window,
#: limits how far back a copy is recognised.
MAX_GROUPS = 50_000
_MASK = 0xFFFFFFFFFFFFFFFF


class Group:
    __slots__ = (
        "authors",
        "count",
        "fingerprint",
        "first_key",
        "first_seen",
        "last_seen",
        "sample",
        "token",
    )

    def __init__(
        self, token: int, fingerprint: int, ts: float, key: tuple[str, str], author: str
    ) -> None:
        self.token = token
        self.fingerprint = fingerprint
        self.first_seen = ts
        self.last_seen = ts
        self.first_key = key
        self.authors: set[str] | str = author
        self.count = 1
        self.sample = ""

    def author_count(self) -> int:
        return len(self.authors) if isinstance(self.authors, set) else 1

    def add_author(self, author: str) -> None:
        if isinstance(self.authors, str):
            if author == self.authors:
                return
            self.authors = {self.authors, author}
        elif len(self.authors) < 10_000:
            self.authors.add(author)


class GroupChange(NamedTuple):
    """A group to store as a cluster (created or updated) after a batch."""

    token: int
    fingerprint: int
    sample: str
    first_seen: float
    last_seen: float
    posts: int
    author_count: int
    first_key: tuple[str, str]


class BatchGroups(NamedTuple):
    """What :func:`group_batch` returns."""

    tokens: list[int]  # per post: its group's token (0: too short to fingerprint)
    near: list[bool]  # per post: a near-duplicate of an earlier post
    changes: list[GroupChange]  # the groups to store as clusters


class NearDuplicateIndex:
    """Recent groups (bounded) to find near-identical posts quickly.

    Fingerprints within :data:`fingerprint.NEAR_BITS` share one of four 16-bit
    bands, so a lookup compares only the newest :data:`BAND_CHECKS` fingerprints
    of each of the post's bands (bounded work; a near-duplicate of an older,
    crowded band can be missed and starts its own group).
    """

    def __init__(self, *, window_s: float, max_groups: int = MAX_GROUPS) -> None:
        self.window_s = window_s
        self.max_groups = max_groups
        self.groups: OrderedDict[int, Group] = OrderedDict()
        #: band -> the fingerprints in it, oldest first (lists: most bands hold
        #: one or two, and a list is a third of a dict's size).
        self.bands: dict[int, list[int]] = {}
        self.next_token = 1

    def new_group(self, fingerprint: int, ts: float, key: tuple[str, str], author: str) -> Group:
        group = Group(self.next_token, fingerprint, ts, key, author)
        self.next_token += 1
        self.add(group)
        return group

    def find(self, fingerprint: int, ts: float) -> Group | None:
        groups = self.groups
        window = self.window_s
        group = groups.get(fingerprint)
        if group is not None and abs(ts - group.last_seen) <= window:
            return group
        value = fingerprint & _MASK
        get = self.bands.get
        near = fp.NEAR_BITS
        # The four bands of fp.bands(), inlined (this runs once per post; a test
        # holds the index to fp.bands()).
        for band in (
            value & 0xFFFF,
            0x10000 | ((value >> 16) & 0xFFFF),
            0x20000 | ((value >> 32) & 0xFFFF),
            0x30000 | (value >> 48),
        ):
            members = get(band)
            if members is None:
                continue
            # The most recent fingerprints of the band only: bounded work per post.
            if len(members) > BAND_CHECKS:
                members = members[-BAND_CHECKS:]
            for other in reversed(members):
                if ((value ^ other) & _MASK).bit_count() <= near:
                    group = groups.get(other)
                    if group is not None and abs(ts - group.last_seen) <= window:
                        return group
        return None

    def add(self, group: Group) -> None:
        # Every fingerprint in ``groups`` is in its four bands' lists and no list
        # holds one that is not (fp.bands() inlined: this runs for most posts).
        key = group.fingerprint
        groups = self.groups
        bands = self.bands
        if key not in groups:
            value = key & _MASK
            for band in (
                value & 0xFFFF,
                0x10000 | ((value >> 16) & 0xFFFF),
                0x20000 | ((value >> 32) & 0xFFFF),
                0x30000 | (value >> 48),
            ):
                members = bands.get(band)
                if members is None:
                    bands[band] = [key]
                else:
                    members.append(key)
        groups[key] = group
        if len(groups) > self.max_groups:
            oldest, _group = groups.popitem(last=False)
            value = oldest & _MASK
            for band in (
                value & 0xFFFF,
                0x10000 | ((value >> 16) & 0xFFFF),
                0x20000 | ((value >> 32) & 0xFFFF),
                0x30000 | (value >> 48),
            ):
                members = bands[band]
                if len(members) == 1:
                    del bands[band]
                else:
                    members.remove(oldest)


def group_batch(
    index: NearDuplicateIndex,
    prints: Sequence[int],
    timestamps: Sequence[float],
    keys: Sequence[tuple[str, str]],
    authors: Sequence[str],
    texts: Sequence[str],
) -> BatchGroups:
    """Assign a batch's posts (in order) to groups.

    Returns per post the token of its group (0 for posts too short to
    fingerprint) and whether it is a near-duplicate of an earlier post, and the
    groups to store as clusters: those that grew in this batch and have posts
    from two or more accounts.
    """
    tokens: list[int] = []
    near: list[bool] = []
    grown: dict[int, Group] = {}
    find = index.find
    for value, ts, key, author, text in zip(prints, timestamps, keys, authors, texts, strict=True):
        if not value:
            tokens.append(0)
            near.append(False)
            continue
        group = find(value, ts)
        if group is None:
            group = index.new_group(value, ts, key, author or key[1])
            near.append(False)
        else:
            if not group.sample:  # kept only for groups that may become clusters
                group.sample = text[:1000]
            group.count += 1
            group.add_author(author or key[1])
            if ts < group.first_seen:
                group.first_seen = ts
            if ts > group.last_seen:
                group.last_seen = ts
            grown[group.token] = group
            near.append(True)
        tokens.append(group.token)
    changes = [
        GroupChange(
            g.token,
            g.fingerprint,
            g.sample,
            g.first_seen,
            g.last_seen,
            g.count,
            g.author_count(),
            g.first_key,
        )
        for g in grown.values()
        if g.author_count() >= 2
    ]
    return BatchGroups(tokens, near, changes)
