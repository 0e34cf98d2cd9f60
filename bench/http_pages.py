"""Benchmark: page and API latency of a real `sifara serve` (gunicorn + worker).

Usage: python bench/http_pages.py [--requests N] [--concurrency C] [--quick]
Loads the demo ministry into a temporary data directory, starts `sifara serve`
on a free loopback port, signs in as a head of mission (password + TOTP), then
fetches the dashboard, the directory, a unit page and the units API with C
threads. Only 127.0.0.1 is contacted; the loop is bounded. Last line is JSON.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
PATHS = ["/", "/directory/?kind=mission", "/directory/people/", "/api/v1/units/?limit=50"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def opener() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )


def csrf(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def post(
    client: urllib.request.OpenerDirector, url: str, data: dict[str, str], referer: str
) -> str:
    body = urllib.parse.urlencode(data).encode()
    request = urllib.request.Request(url, data=body, headers={"Referer": referer})
    with client.open(request, timeout=10) as response:
        return str(response.read().decode())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=800)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--quick", action="store_true", help="200 requests")
    args = parser.parse_args()
    total = 200 if args.quick else args.requests

    data_dir = tempfile.mkdtemp(prefix="sifara-bench-http-")
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SIFARA_REDIS_URL"}}
    env.update({"SIFARA_DATA_DIR": data_dir, "DJANGO_SETTINGS_MODULE": "sifara.settings.embedded"})
    sifara = [sys.executable, "-m", "sifara.cli"]
    subprocess.run([*sifara, "demo"], env=env, check=True, capture_output=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [*sifara, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "4"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2).read()
                break
            except OSError:
                time.sleep(0.3)

        os.environ.update(
            {"SIFARA_DATA_DIR": data_dir, "DJANGO_SETTINGS_MODULE": "sifara.settings.embedded"}
        )
        os.environ.pop("DATABASE_URL", None)
        import django

        django.setup()
        from django_otp.oath import totp
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.get(user__username="hom.tokyo", confirmed=True)

        def signed_in() -> urllib.request.OpenerDirector:
            client = opener()
            login_url = f"{base}/identity/login/"
            html = client.open(login_url, timeout=10).read().decode()
            html = post(
                client,
                login_url,
                {
                    "csrfmiddlewaretoken": csrf(html),
                    "username": "hom.tokyo",
                    "password": "Sifara-demo-2026!",
                },
                login_url,
            )
            otp_url = f"{base}/identity/otp/"
            code = (
                f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
            )
            post(client, otp_url, {"csrfmiddlewaretoken": csrf(html), "token": code}, otp_url)
            return client

        client = signed_in()
        check = client.open(f"{base}/", timeout=10).read().decode()
        assert "emb-tokyo" in check or "طوكيو" in check, "sign-in failed"

        latencies: dict[str, list[float]] = {path: [] for path in PATHS}
        errors = 0
        lock = threading.Lock()
        counter = iter(range(total))

        def worker() -> None:
            nonlocal errors
            for index in counter:
                path = PATHS[index % len(PATHS)]
                start = time.perf_counter()
                try:
                    with client.open(f"{base}{path}", timeout=15) as response:
                        response.read()
                        ok = response.status == 200
                except OSError:
                    ok = False
                elapsed = (time.perf_counter() - start) * 1000
                with lock:
                    if ok:
                        latencies[path].append(elapsed)
                    else:
                        errors += 1

        started = time.perf_counter()
        threads = [threading.Thread(target=worker) for _ in range(args.concurrency)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started
    finally:
        os.killpg(server.pid, signal.SIGINT)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)

    every = sorted(x for values in latencies.values() for x in values)

    def pct(values: list[float], q: float) -> float:
        return round(values[min(len(values) - 1, int(q * len(values)))], 1) if values else 0.0

    for path, values in latencies.items():
        values.sort()
        print(
            f"{path:<28} n={len(values):<5} p50={pct(values, 0.5):>7} ms  p95={pct(values, 0.95):>7} ms"
        )
    figures = {
        "benchmark": "http_pages",
        "requests": total,
        "concurrency": args.concurrency,
        "errors": errors,
        "requests_per_s": round(len(every) / wall, 1),
        "p50_ms": pct(every, 0.5),
        "p95_ms": pct(every, 0.95),
        "max_ms": round(max(every), 1) if every else 0.0,
        "mean_ms": round(statistics.fmean(every), 1) if every else 0.0,
    }
    print(
        f"{len(every)} requests in {wall:.2f}s at concurrency {args.concurrency}, {errors} errors"
    )
    print(json.dumps(figures))
    return 0 if errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
