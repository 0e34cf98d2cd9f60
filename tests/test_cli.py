"""The ``sifara`` operator command and the production profile's refusal to start
without its secrets."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from sifara.cli import build_parser, main
from sifara.settings.keys import new_key

REPO = Path(__file__).resolve().parent.parent
SRC = REPO / "src"


def run(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=120
    )


def clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """A minimal environment: nothing from the developer's shell or CI leaks in."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "PYTHONPATH": str(SRC),
        "SIFARA_DATA_DIR": str(tmp_path / "var"),
        "LANG": "C.UTF-8",
    }
    env.update(extra)
    return env


def production_env(tmp_path: Path, **overrides: str | None) -> dict[str, str]:
    values: dict[str, str | None] = {
        "DJANGO_SETTINGS_MODULE": "sifara.settings.production",
        "DATABASE_URL": "postgres://x@127.0.0.1/x",
        "SIFARA_REDIS_URL": "redis://127.0.0.1:6379/0",
        "SIFARA_SECRET_KEY": "k" * 20 + "Z9$!q" * 8,  # 60 characters
        "SIFARA_AUDIT_SEAL_KEY": new_key(),
        "SIFARA_MASTER_KEY": new_key(),
        "SIFARA_SIGNING_KEY": new_key(),
        "SIFARA_ALLOWED_HOSTS": "sifara.example.org",
    }
    values.update(overrides)
    return clean_env(tmp_path, **{k: v for k, v in values.items() if v is not None})


SETUP_PRODUCTION = (
    "import os; os.environ['DJANGO_SETTINGS_MODULE']='sifara.settings.production'; "
    "import django; django.setup()"
)


# --- help --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--help"], ["serve", "demo", "manage", "audit", "check"]),
        (["audit", "--help"], ["verify"]),
        (["audit", "verify", "--help"], ["sealed head", "Exits 1"]),
        (["serve", "--help"], ["--bind", "--workers", "--threads", "--queue-workers"]),
        (["check", "--help"], ["--deploy"]),
    ],
)
def test_help(argv: list[str], expected: list[str], capsys: Any) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: sifara")
    for word in expected:
        assert word in out


def test_unknown_or_missing_command_is_an_error(capsys: Any) -> None:
    for argv in ([], ["nonsense"], ["audit"]):
        with pytest.raises(SystemExit) as exit_info:
            main(argv)
        assert exit_info.value.code == 2
    assert "usage:" in capsys.readouterr().err


def test_serve_defaults_are_local_only() -> None:
    args = build_parser().parse_args(["serve"])
    assert args.bind == "127.0.0.1:8000"
    assert args.workers >= 1 and args.queue_workers >= 1


def test_console_script_is_declared() -> None:
    assert 'sifara = "sifara.cli:main"' in (REPO / "pyproject.toml").read_text()


# --- sifara check ------------------------------------------------------------------


def test_check_in_process(capsys: Any) -> None:
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    assert "configuration OK" in out
    assert "settings: sifara.settings.test" in out


def test_check_as_a_command(tmp_path: Path) -> None:
    env = clean_env(tmp_path, DJANGO_SETTINGS_MODULE="sifara.settings.test")
    result = run(["-m", "sifara.cli", "check"], env, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "configuration OK" in result.stdout


def test_check_reports_a_bad_setting(tmp_path: Path) -> None:
    env = clean_env(tmp_path, DJANGO_SETTINGS_MODULE="sifara.settings.test", SIFARA_WORKERS="many")
    result = run(["-m", "sifara.cli", "check"], env, tmp_path)
    assert result.returncode == 2
    assert "configuration error" in result.stderr
    assert "SIFARA_WORKERS" in result.stderr


# --- production refuses to start without its secrets ------------------------------


def test_production_without_any_configuration_refuses_to_start(tmp_path: Path) -> None:
    result = run(["-c", SETUP_PRODUCTION], clean_env(tmp_path), tmp_path)
    assert result.returncode != 0
    assert "ConfigurationError" in result.stderr


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("SIFARA_SECRET_KEY", "SIFARA_SECRET_KEY must be set"),
        ("SIFARA_AUDIT_SEAL_KEY", "SIFARA_AUDIT_SEAL_KEY must be set"),
        ("SIFARA_MASTER_KEY", "SIFARA_MASTER_KEY must be set"),
        ("SIFARA_SIGNING_KEY", "SIFARA_SIGNING_KEY must be set"),
        ("DATABASE_URL", "DATABASE_URL must be set"),
        ("SIFARA_REDIS_URL", "SIFARA_REDIS_URL must be set"),
        ("SIFARA_ALLOWED_HOSTS", "SIFARA_ALLOWED_HOSTS"),
    ],
)
def test_production_refuses_to_start_without(tmp_path: Path, missing: str, message: str) -> None:
    result = run(["-c", SETUP_PRODUCTION], production_env(tmp_path, **{missing: None}), tmp_path)
    assert result.returncode != 0
    assert "ConfigurationError" in result.stderr
    assert message in result.stderr


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("SIFARA_SECRET_KEY", "too-short", "at least 50 characters"),
        ("SIFARA_AUDIT_SEAL_KEY", "c2hvcnQ", "must decode to 32 bytes"),
        ("SIFARA_MASTER_KEY", "not base64 at all!", "SIFARA_MASTER_KEY"),
    ],
)
def test_production_refuses_weak_secrets(
    tmp_path: Path, name: str, value: str, message: str
) -> None:
    result = run(["-c", SETUP_PRODUCTION], production_env(tmp_path, **{name: value}), tmp_path)
    assert result.returncode != 0
    assert "ConfigurationError" in result.stderr
    assert message in result.stderr
    assert value not in result.stderr or name != "SIFARA_SECRET_KEY"  # secrets are not echoed


def test_sifara_check_reports_missing_production_secret(tmp_path: Path) -> None:
    env = production_env(tmp_path, SIFARA_SECRET_KEY=None)
    result = run(["-m", "sifara.cli", "check"], env, tmp_path)
    assert result.returncode == 2
    assert "configuration error: SIFARA_SECRET_KEY must be set" in result.stderr


def test_production_starts_with_all_secrets(tmp_path: Path) -> None:
    result = run(
        ["-c", SETUP_PRODUCTION + "; print('started')"], production_env(tmp_path), tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_production_passes_the_deploy_checks(tmp_path: Path) -> None:
    result = run(
        ["-m", "sifara.cli", "manage", "check", "--deploy", "--fail-level", "WARNING"],
        production_env(tmp_path),
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified" in result.stdout


@pytest.mark.django_db
def test_admin_create_bootstraps_the_first_administrator(capsys) -> None:
    from sifara.audit.models import AuditEvent
    from sifara.cli import main
    from sifara.core import policy
    from sifara.directory.models import User

    assert main(["admin", "create", "salma", "--full-name-en", "Salma"]) == 0
    out = capsys.readouterr().out
    temporary = out.split("one-time password: ", 1)[1].split()[0]
    salma = User.objects.get(username="salma")
    assert salma.check_password(temporary) and salma.must_change_password
    assert policy.can(salma, "directory.manage")
    event = AuditEvent.objects.get(action="directory.administrator_bootstrapped")
    assert event.actor_label.startswith("cli:") and temporary not in str(event.details)
    # A second one needs to be asked for explicitly.
    assert main(["admin", "create", "karim"]) == 1
    assert "already exists" in capsys.readouterr().err
    assert main(["admin", "create", "karim", "--allow-additional"]) == 0


@pytest.mark.django_db
def test_admin_create_refuses_an_unknown_unit(capsys) -> None:
    from sifara.cli import main
    from sifara.directory.models import Unit, User

    assert main(["admin", "create", "salma", "--unit", "no-such-unit"]) == 1
    assert "no-such-unit" in capsys.readouterr().err
    assert not User.objects.filter(username="salma").exists()
    assert not Unit.objects.filter(code="no-such-unit").exists()


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SIFARA_API_RATE_USER", "lots"),
        ("SIFARA_LOG_LEVEL", "LOUD"),
        ("SIFARA_HQ_TIMEZONE", "Mars/Base"),
    ],
)
def test_malformed_settings_are_refused_at_start(tmp_path: Path, name: str, value: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIFARA_")}
    env.update(
        {
            "SIFARA_DATA_DIR": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "sifara.settings.embedded",
            name: value,
        }
    )
    result = subprocess.run(
        [sys.executable, "-m", "sifara.cli", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "configuration error" in result.stderr and name in result.stderr
