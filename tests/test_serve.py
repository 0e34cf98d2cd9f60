"""`sifara serve` runs the web server and the worker together and stops both on Ctrl-C."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_starts_web_and_worker_and_stops_on_ctrl_c(tmp_path: Path):
    port = _free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "SIFARA_REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        {"SIFARA_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "sifara.settings.embedded"}
    )
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sifara.cli",
            "serve",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        body = ""
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/healthz", timeout=2
                ) as response:
                    body = response.read().decode()
                    break
            except OSError:
                if proc.poll() is not None:
                    break
                time.sleep(0.5)
        assert '"status": "ok"' in body, proc.stdout.read() if proc.poll() is not None else body
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/identity/login/", timeout=5) as page:
            html = page.read().decode()
        assert 'dir="rtl"' in html
        # the generated keys are private to the service account
        assert oct((tmp_path / "keys" / "master.key").stat().st_mode & 0o777) == "0o600"
        proc.send_signal(signal.SIGINT)
        output, _ = proc.communicate(timeout=30)
        assert proc.returncode == 0, output
        assert "Sifara stopped." in output
        with pytest.raises(OSError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
