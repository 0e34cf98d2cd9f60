"""Benchmark: the listening ingest pipeline end to end vs the storage floor.

Usage: python bench/ingest.py [--posts N] [--quick] [--seed S] [--batch B]

A deterministic generator writes a realistic mixed corpus as JSONL in Sifara's
import schema (about 40% Arabic, 33% English, 8% French, 4% Spanish, 3% German
and Turkish, Persian, Urdu, Russian and Chinese; 85% short posts with hashtags,
mentions, links and emoji, 15% longer news items; 2% re-delivered ids and 6%
copies of copy-paste campaigns posted by many accounts within an hour). Then,
each in its own child process (so the peak RSS is its own) and its own fresh,
migrated SQLite database (WAL, the embedded profile's settings):

* **pipeline**: the file is read with the ``sifara listen import`` reader and
  streamed through ``pipeline.ingest`` — normalise, de-duplicate, language,
  sentiment, fingerprint and clusters, watch-list matching (the demo's topics),
  store, hourly roll-ups, resume position, post-batch hooks and the queueing of
  author screening — in bounded batches, each one transaction;
* **floor**: the same file, the same reader, the same checks, batches, insert
  statement, table and transactions, with no analysis (``pipeline.store_only``).

Both phases time everything from opening the file to the last commit. The last
line printed is JSON: posts (lines in the corpus), posts_per_s, floor_posts_per_s,
ratio, peak_rss_mb (the larger of the two phases; a phase's figure is its own peak
plus its helper process's), the CPU time of each phase (posts_per_cpu_s: posts per
CPU-second, helper included — steadier than wall time on a busy machine), the
load average, and details.

``--quick``: 50,000 posts.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

AR_SUBJECTS = [
    "وزارة الخارجية", "الوزير", "السفارة في لندن", "القنصلية العامة في دبي", "المتحدث الرسمي",
    "الحكومة", "البعثة الدائمة في جنيف", "وفد المفاوضين", "المواطنون في الخارج", "الطلاب",
    "الجالية", "السفير", "وزير الخارجية", "البرلمان", "الصحافة المحلية",
]  # fmt: skip
AR_VERBS = [
    "أعلن", "أكد", "رحب", "انتقد", "نفى", "ناقش", "وقع", "أدان", "دعا", "شكر", "حذر",
    "تابع", "استقبل", "طالب", "أشاد",
]  # fmt: skip
AR_OBJECTS = [
    "اتفاقية التعاون الجديدة", "تأخير إصدار التأشيرات", "الأوضاع الإنسانية", "زيارة رسمية",
    "مبادرة السلام", "الخدمات القنصلية", "التصريحات الأخيرة", "أزمة المياه", "الانتخابات",
    "حماية المواطنين", "الاستثمار الأجنبي", "القمة الإقليمية", "منح دراسية", "الشائعات",
]  # fmt: skip
AR_ENDINGS = [
    "بشكل إيجابي", "في بيان رسمي", "وهذا أمر مؤسف جدا", "ونحن فخورون بذلك", "دون أي توضيح",
    "والوضع سيء للغاية", "خطوة ممتازة", "اليوم", "مساء أمس", "وسط قلق كبير", "بكل شفافية",
]  # fmt: skip
EN_SUBJECTS = [
    "The foreign ministry", "The minister", "Our embassy in Tokyo", "The consulate",
    "The spokesperson", "The government", "The UN mission", "Students abroad", "The ambassador",
    "Local media", "Citizens stranded at the airport", "The delegation",
]  # fmt: skip
EN_VERBS = [
    "announced", "welcomed", "criticised", "denied", "discussed", "signed", "condemned",
    "praised", "warned about", "thanked everyone for", "questioned", "celebrated",
]  # fmt: skip
EN_OBJECTS = [
    "the new trade agreement", "visa delays", "the humanitarian situation", "an official visit",
    "the peace initiative", "consular services", "yesterday's statement", "the water crisis",
    "the elections", "scholarships for students", "foreign investment", "the regional summit",
]  # fmt: skip
EN_ENDINGS = [
    "today.", "in a statement.", "and this is a great step forward!", "— terrible handling.",
    "without any explanation.", "with real transparency.", "amid growing concern.",
    "and we are proud of it.", "which is not acceptable.", "for the third time this week.",
]  # fmt: skip
OTHER = {
    "fr": [
        "Le ministre a rencontré l'ambassadeur pour discuter de la coopération",
        "Les étudiants attendent toujours leurs visas depuis des semaines",
        "La délégation est arrivée à Genève pour les négociations sur le climat",
        "Nous sommes très heureux de cette nouvelle initiative pour la paix",
    ],
    "es": [
        "El ministro se reunió con el embajador para hablar de la cooperación",
        "Los estudiantes siguen esperando sus visados desde hace semanas",
        "La delegación llegó a Madrid para la cumbre regional",
    ],
    "de": [
        "Der Minister hat sich mit dem Botschafter über die Zusammenarbeit unterhalten",
        "Die Studenten warten seit Wochen auf ihre Visa",
        "Die Delegation ist für die Klimaverhandlungen in Bonn angekommen",
    ],
    "tr": [
        "Bakan büyükelçi ile işbirliği konusunu görüştü",
        "Öğrenciler haftalardır vizelerini bekliyor",
    ],
    "fa": ["وزیر امور خارجه با سفیر دیدار کرد و درباره همکاری گفتگو کردند"],
    "ur": ["وزیر خارجہ نے سفیر سے ملاقات کی اور تعاون پر بات چیت کی"],
    "ru": ["Министр встретился с послом, чтобы обсудить сотрудничество"],
    "zh": ["外交部长与大使会面讨论合作问题"],
}
LANG_WEIGHTS = [
    ("ar", 40), ("en", 33), ("fr", 8), ("es", 4), ("de", 3), ("tr", 3), ("fa", 3),
    ("ur", 2), ("ru", 2), ("zh", 2),
]  # fmt: skip
HASHTAGS = ["#وزارة_الخارجية", "#عاجل", "#visa", "#diplomacy", "#UN", "#السفارة", "#news"]
EMOJI = ["🙏", "👏", "😡", "🇺🇳", "🔥", "✅", ""]
COUNTRIES = ["", "", "GB", "AE", "EG", "FR", "US", "JP", "SA", "DE", "TR"]


class Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.langs = [code for code, weight in LANG_WEIGHTS for _ in range(weight)]
        self.campaigns = [self.short("ar" if i % 2 else "en", plain=True) for i in range(300)]
        self.campaign_start: dict[int, float] = {}

    def sentence(self, lang: str) -> str:
        r = self.rng
        if lang == "ar":
            return f"{r.choice(AR_SUBJECTS)} {r.choice(AR_VERBS)} {r.choice(AR_OBJECTS)} " + (
                r.choice(AR_ENDINGS)
            )
        if lang == "en":
            return f"{r.choice(EN_SUBJECTS)} {r.choice(EN_VERBS)} {r.choice(EN_OBJECTS)} " + (
                r.choice(EN_ENDINGS)
            )
        return r.choice(OTHER[lang])

    def short(self, lang: str, *, plain: bool = False) -> str:
        r = self.rng
        parts = [self.sentence(lang)]
        if r.random() < 0.5:
            parts.append(self.sentence(lang))
        if not plain:
            if r.random() < 0.4:
                parts.append(r.choice(HASHTAGS))
            if r.random() < 0.2:
                parts.insert(0, f"@user{r.randrange(100_000)}")
            if r.random() < 0.2:
                parts.append(f"https://news.example/{r.randrange(10**9)}")
            parts.append(r.choice(EMOJI))
            parts.append(str(r.randrange(1000)))  # makes most posts unique
        return " ".join(p for p in parts if p)

    def news(self, lang: str) -> str:
        count = self.rng.randint(5, 12)
        return (
            " ".join(self.sentence(lang) for _ in range(count)) + f" ({self.rng.randrange(10**6)})"
        )

    def records(self, count: int) -> Any:
        r = self.rng
        start = 1_763_600_000.0
        span = 7 * 24 * 3600
        for index in range(count):
            ts = start + span * index / count + r.uniform(-60, 60)
            roll = r.random()
            if roll < 0.02 and index > 10:
                post_id = f"p{r.randrange(max(1, index - 5000), index)}"  # re-delivered
                text = "re-delivered copy"
                author = "someone"
            elif roll < 0.08:
                campaign = r.randrange(len(self.campaigns))
                begin = self.campaign_start.setdefault(campaign, ts)
                if ts - begin > 3600:
                    self.campaign_start[campaign] = begin = ts
                text = f"{self.campaigns[campaign]} {r.choice(HASHTAGS)} @user{r.randrange(9999)}"
                post_id = f"p{index}"
                author = f"bot{r.randrange(5000)}"
            else:
                lang = r.choice(self.langs)
                text = self.news(lang) if r.random() < 0.15 else self.short(lang)
                post_id = f"p{index}"
                author = f"user{r.randrange(200_000)}"
            yield {
                "id": post_id,
                "platform": "x",
                "text": text,
                "published_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts)),
                "author": author,
                "country": r.choice(COUNTRIES),
                "reach": r.randrange(50_000),
            }


def write_corpus(path: Path, count: int, seed: int) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for record in Generator(seed).records(count):
            handle.write(json.dumps(record, ensure_ascii=False))
            handle.write("\n")


def child(phase: str, corpus: Path, batch: int) -> None:
    import django

    django.setup()
    from django.conf import settings

    settings.SIFARA_LISTENING_BATCH_SIZE = batch
    from sifara.listening import pipeline
    from sifara.listening.connectors.files import read_file
    from sifara.listening.models import Cluster, Post, PostMatch, Source

    source = Source.objects.get(name="bench")
    before = resource.getrusage(resource.RUSAGE_SELF)
    cpu_before = before.ru_utime + before.ru_stime
    started = time.perf_counter()
    items = read_file(corpus, source=source, fmt="jsonl")
    run = pipeline.ingest if phase == "pipeline" else pipeline.store_only
    profile_to = os.environ.get("BENCH_PROFILE")
    if profile_to:
        import cProfile

        profiler = cProfile.Profile(time.process_time)
        report = profiler.runcall(run, items, source=source)
        profiler.dump_stats(f"{profile_to}.{phase}")
    else:
        report = run(items, source=source)
    elapsed = time.perf_counter() - started
    own = resource.getrusage(resource.RUSAGE_SELF)
    helper = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_s = own.ru_utime + own.ru_stime + helper.ru_utime + helper.ru_stime - cpu_before
    peak_kb = own.ru_maxrss + helper.ru_maxrss
    result = {
        "phase": phase,
        "seconds": round(elapsed, 2),
        "cpu_seconds": round(cpu_s, 2),
        "peak_rss_mb": round(peak_kb / 1024, 1),
        "main_peak_rss_mb": round(own.ru_maxrss / 1024, 1),
        "helper_peak_rss_mb": round(helper.ru_maxrss / 1024, 1),
        "report": report.as_dict(),
        "stored": Post.objects.count(),
        "matches": PostMatch.objects.count() if phase == "pipeline" else 0,
        "clusters": Cluster.objects.count(),
        "coordinated": Cluster.objects.filter(is_coordinated=True).count(),
    }
    print(json.dumps(result))


def prepare(template: Path) -> None:
    env = {
        **os.environ,
        "SIFARA_DATA_DIR": str(template),
        "DJANGO_SETTINGS_MODULE": "sifara.settings.embedded",
    }
    code = (
        "import django; django.setup();"
        "from django.core.management import call_command;"
        "call_command('migrate', verbosity=0);"
        "from sifara.listening.models import Source;"
        "from sifara.listening.demo import load_watchlists;"
        "load_watchlists();"
        "Source.objects.get_or_create(name='bench', defaults={'title': 'Bench', 'platform': 'x'})"
    )
    subprocess.run([sys.executable, "-c", code], env=env, check=True)


def run_phase(phase: str, template: Path, work: Path, corpus: Path, batch: int) -> dict[str, Any]:
    data = work / phase
    shutil.copytree(template, data)
    env = {
        **os.environ,
        "SIFARA_DATA_DIR": str(data),
        "DJANGO_SETTINGS_MODULE": "sifara.settings.embedded",
        "PYTHONPATH": str(ROOT / "src"),
    }
    out = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            phase,
            "--corpus",
            str(corpus),
            "--batch",
            str(batch),
        ],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
    return dict(json.loads(lines[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--batch", type=int, default=5000)
    parser.add_argument("--child")
    parser.add_argument("--corpus")
    args = parser.parse_args()
    if args.child:
        child(args.child, Path(args.corpus), args.batch)
        return
    posts = 50_000 if args.quick else args.posts
    with tempfile.TemporaryDirectory(prefix="sifara-bench-ingest-") as tmp:
        work = Path(tmp)
        corpus = work / "corpus.jsonl"
        t0 = time.perf_counter()
        write_corpus(corpus, posts, args.seed)
        print(
            f"corpus: {posts:,} posts, {corpus.stat().st_size / 1e6:.0f} MB, "
            f"generated in {time.perf_counter() - t0:.1f} s"
        )
        template = work / "template"
        template.mkdir()
        prepare(template)
        floor = run_phase("floor", template, work, corpus, args.batch)
        full = run_phase("pipeline", template, work, corpus, args.batch)
    floor_rate = posts / floor["seconds"]
    rate = posts / full["seconds"]
    load = os.getloadavg()[0]
    print(f"load average (1 min) at the end: {load:.1f} on {os.cpu_count()} CPUs")
    print(
        f"floor    : {floor_rate:,.0f} posts/s ({floor['seconds']} s, "
        f"peak {floor['peak_rss_mb']} MB, stored {floor['stored']:,})"
    )
    print(
        f"pipeline : {rate:,.0f} posts/s ({full['seconds']} s, "
        f"peak {full['peak_rss_mb']} MB = main {full['main_peak_rss_mb']} + helper "
        f"{full['helper_peak_rss_mb']}, stored {full['stored']:,})"
    )
    print(f"pipeline report: {full['report']}")
    print(
        f"matches {full['matches']:,}, clusters {full['clusters']:,} "
        f"({full['coordinated']:,} coordinated)"
    )
    summary = {
        "benchmark": "listening_ingest",
        "posts": posts,
        "posts_per_s": round(rate),
        "floor_posts_per_s": round(floor_rate),
        "ratio": round(rate / floor_rate, 3),
        "peak_rss_mb": max(floor["peak_rss_mb"], full["peak_rss_mb"]),
        "pipeline_peak_rss_mb": full["peak_rss_mb"],
        "floor_peak_rss_mb": floor["peak_rss_mb"],
        "accepted": full["report"]["accepted"],
        "duplicates": full["report"]["duplicates"],
        "near_duplicates": full["report"]["near_duplicates"],
        "clusters": full["clusters"],
        "coordinated_clusters": full["coordinated"],
        "matched_posts": full["report"]["matched"],
        "posts_per_cpu_s": round(posts / full["cpu_seconds"]),
        "floor_posts_per_cpu_s": round(posts / floor["cpu_seconds"]),
        "load_average": round(load, 1),
        "batch": args.batch,
        "database": "sqlite",
        "cpus": os.cpu_count(),
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
