"""The ``sifara`` command for operators.

Thin: every sub-command calls Django management commands or services.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence

DEFAULT_SETTINGS = "sifara.settings.embedded"


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS)
    import django

    django.setup()
    from django.utils import translation

    # Operator messages are in English (the web UI is where Arabic comes first).
    translation.activate("en")


def _manage(*args: str, verbosity: int = 1) -> None:
    from django.core.management import call_command

    call_command(*args, verbosity=verbosity)


def cmd_manage(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["sifara manage", *args.rest])
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    _setup()
    _manage("migrate", "--no-input", verbosity=0)
    from django.conf import settings

    ignore = [arg for pattern in settings.SIFARA_STATIC_IGNORE for arg in ("--ignore", pattern)]
    _manage("collectstatic", "--no-input", *ignore, verbosity=0)
    env = dict(os.environ)
    python = sys.executable
    web = subprocess.Popen(  # noqa: S603 - fixed argument list
        [
            python,
            "-m",
            "gunicorn",
            "sifara.wsgi:application",
            "--bind",
            args.bind,
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
            "--access-logfile",
            "-",
            "--graceful-timeout",
            "10",
        ],
        env=env,
    )
    worker = subprocess.Popen(  # noqa: S603
        [python, "-m", "django", "run_huey", "--workers", str(args.queue_workers)],
        env=env,
    )
    children = [web, worker]
    print(f"Sifara is serving at http://{args.bind} (Ctrl-C stops the web server and worker)")
    stopping = False

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    exit_code = 0
    while not stopping:
        for child in children:
            code = child.poll()
            if code is not None:
                print(f"sifara: a child process exited with {code}; stopping", file=sys.stderr)
                stopping = True
                exit_code = code or 1
        time.sleep(0.5)
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM if child is web else signal.SIGINT)
    deadline = time.monotonic() + 15
    for child in children:
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
    print("Sifara stopped.")
    return exit_code


def cmd_demo(args: argparse.Namespace) -> int:
    _setup()
    from django.conf import settings

    if settings.SETTINGS_MODULE.endswith(".production") and not args.force:
        print(
            "sifara demo refuses to load fictional data into a production configuration "
            "(use --force if you really mean it)",
            file=sys.stderr,
        )
        return 2
    _manage("migrate", "--no-input", verbosity=0)
    from sifara.directory.demo import load_demo

    load_demo(out=sys.stdout)
    return 0


def cmd_keys_rotate(args: argparse.Namespace) -> int:
    _setup()
    from django.conf import settings

    from sifara.core import crypto

    if args.generate:
        key_file = getattr(settings, "MASTER_KEY_FILE", None)
        previous_file = getattr(settings, "PREVIOUS_MASTER_KEYS_FILE", None)
        if key_file is None or previous_file is None or os.environ.get("SIFARA_MASTER_KEY"):
            print(
                "--generate works only with the embedded profile's key files; in production "
                "set SIFARA_MASTER_KEY to the new key and SIFARA_PREVIOUS_MASTER_KEYS to the old "
                "one on every machine, then run `sifara keys rotate`",
                file=sys.stderr,
            )
            return 2
        from sifara.settings.keys import decode_key, encode_key, new_key

        old = crypto.current_master_key()
        fresh = new_key()
        # Keep the old key readable first, then switch: a crash between the two
        # steps leaves both keys on disk and nothing unreadable.
        with open(previous_file, "a", encoding="ascii") as handle:
            handle.write(encode_key(old) + "\n")
        os.chmod(previous_file, 0o600)
        tmp = key_file.with_suffix(".new")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(fresh + "\n")
        os.replace(tmp, key_file)
        settings.SIFARA_PREVIOUS_MASTER_KEYS = [*settings.SIFARA_PREVIOUS_MASTER_KEYS, old]
        settings.SIFARA_MASTER_KEY = decode_key("master.key", fresh)
        print(
            f"generated a new master key {crypto.key_id(settings.SIFARA_MASTER_KEY)} in {key_file}"
        )
    report = crypto.rotate(batch_size=args.batch_size)
    current = crypto.key_id(crypto.current_master_key())
    print(
        f"master key {current}: {report.rewrapped} data keys re-wrapped, "
        f"{report.already_current} already current, {report.failed} unreadable"
    )
    from sifara.audit import services as audit

    audit.record(
        actor=None,
        action="keys.rotate",
        target=None,
        details={
            "master_key_id": current,
            "rewrapped": report.rewrapped,
            "already_current": report.already_current,
            "failed": report.failed,
        },
    )
    return 1 if report.failed else 0


def cmd_audit_verify(args: argparse.Namespace) -> int:
    _setup()
    from sifara.audit.services import verify

    result = verify()
    if result.ok:
        print(f"audit trail intact: {result.checked} events verified, head seal valid")
        return 0
    where = f"event #{result.broken_seq}" if result.broken_seq is not None else "chain head"
    if result.broken_id is not None:
        where += f" (row id {result.broken_id})"
    print(
        f"AUDIT TRAIL BROKEN at {where}: {result.reason}; "
        f"{result.checked} events verified before it",
        file=sys.stderr,
    )
    return 1


def cmd_admin_create(args: argparse.Namespace) -> int:
    _setup()
    import getpass

    from sifara.core.errors import ApplicationError
    from sifara.directory.services import administrator_bootstrap

    try:
        person, temporary = administrator_bootstrap(
            username=args.username,
            operator=getpass.getuser(),
            unit_code=args.unit,
            full_name_en=args.full_name_en,
            full_name_ar=args.full_name_ar,
            allow_additional=args.allow_additional,
        )
    except ApplicationError as exc:
        print(f"sifara: {exc.message}", file=sys.stderr)
        return 1
    print(f"administrator {person.username} created in unit {args.unit}")
    print(f"one-time password: {temporary}")
    print("At first sign-in they change it and enrol two-factor authentication.")
    return 0


def cmd_accounts_import(args: argparse.Namespace) -> int:
    _setup()
    from sifara.accounts.importer import run_import_cli

    return run_import_cli(args)


def cmd_accounts_screen(args: argparse.Namespace) -> int:
    _setup()
    from sifara.accounts.radar.cli import run_screen_cli

    return run_screen_cli(args)


def cmd_check(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS)
    from sifara.settings.env import ConfigurationError

    try:
        _setup()
    except ConfigurationError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    from django.conf import settings
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    deploy = args.deploy or settings.SETTINGS_MODULE.endswith(".production")
    try:
        call_command("check", deploy=deploy, fail_level="WARNING")
    except SystemCheckError as exc:
        print(exc, file=sys.stderr)
        return 1
    from sifara.huey import queue_ping

    try:
        queue_ping()
    except Exception as exc:
        print(f"queue unreachable: {exc}", file=sys.stderr)
        return 1
    db = settings.DATABASES["default"]
    print(f"settings: {settings.SETTINGS_MODULE}")
    print(f"database: {db['ENGINE'].rsplit('.', 1)[-1]}")
    print(f"queue: {settings.HUEY['huey_class']}")
    print("configuration OK")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sifara",
        description="Sifara digital diplomacy platform: operator commands.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = sub.add_parser(
        "serve",
        help="migrate, collect static files, run the web server and the background worker",
        description="Migrate, collect static files, then run gunicorn and the Huey consumer "
        "together; Ctrl-C stops both cleanly.",
    )
    serve.add_argument("--bind", default="127.0.0.1:8000", help="address:port to listen on")
    serve.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    serve.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    serve.add_argument("--queue-workers", type=int, default=2, help="Huey worker threads")
    serve.set_defaults(func=cmd_serve)

    demo = sub.add_parser(
        "demo",
        help="load the fictional demo ministry (idempotent)",
        description="Load the demo organisation, people and credentials. Safe to re-run.",
    )
    demo.add_argument("--force", action="store_true", help="allow under production settings")
    demo.set_defaults(func=cmd_demo)

    manage = sub.add_parser(
        "manage",
        help="run any Django management command",
        description="Run any Django management command, e.g. `sifara manage migrate`.",
        add_help=False,
    )
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)

    audit = sub.add_parser("audit", help="audit trail commands", description="Audit trail.")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True, metavar="COMMAND")
    verify = audit_sub.add_parser(
        "verify",
        help="prove the audit trail has not been rewritten",
        description="Walk the hash chain and check the sealed head. Exits 1 and names the "
        "first broken event if anything was changed, deleted or reordered.",
    )
    verify.set_defaults(func=cmd_audit_verify)

    admin = sub.add_parser(
        "admin", help="administrator accounts", description="Administrator accounts."
    )
    admin_sub = admin.add_subparsers(dest="admin_command", required=True, metavar="COMMAND")
    create = admin_sub.add_parser(
        "create",
        help="create an administrator (first install)",
        description="Create an administrator with a one-time password, in UNIT (created as an "
        "HQ department if missing). Refuses when one exists unless --allow-additional.",
    )
    create.add_argument("username")
    create.add_argument("--unit", default="hq", help="unit code (default: hq)")
    create.add_argument("--full-name-en", default="")
    create.add_argument("--full-name-ar", default="")
    create.add_argument("--allow-additional", action="store_true")
    create.set_defaults(func=cmd_admin_create)

    accounts = sub.add_parser(
        "accounts",
        help="official accounts registry and impersonation radar",
        description="Official accounts registry and impersonation radar.",
    )
    accounts_sub = accounts.add_subparsers(
        dest="accounts_command", required=True, metavar="COMMAND"
    )
    acc_import = accounts_sub.add_parser(
        "import",
        help="load official accounts from a CSV file",
        description="Load official accounts from CSV (columns unit,platform,handle,url,"
        "display_name_ar,display_name_en,status,avatar; unit is a unit code or its exact name "
        "in either language; url, names, status and avatar optional). Errors are reported per "
        "row; valid rows are kept.",
    )
    acc_import.add_argument(
        "file", help="CSV file (UTF-8; UTF-8 with BOM and Windows-1256 are detected)"
    )
    acc_import.add_argument("--format", choices=["text", "json"], default="text")
    acc_import.set_defaults(func=cmd_accounts_import)
    acc_screen = accounts_sub.add_parser(
        "screen",
        help="screen candidate accounts from a CSV file against the registry",
        description="Screen candidates (CSV columns platform,handle,display_name,bio,url,avatar,"
        "followers,created; all but the first two optional; avatar is a path to an image file) "
        "against the official registry. Flagged candidates join the review queue unless "
        "--dry-run.",
    )
    acc_screen.add_argument("file", help="CSV file of candidates")
    acc_screen.add_argument("--format", choices=["text", "json"], default="text")
    acc_screen.add_argument(
        "--threshold", type=float, default=None, help="flagging threshold (0-1)"
    )
    acc_screen.add_argument("--dry-run", action="store_true", help="print results, store nothing")
    acc_screen.set_defaults(func=cmd_accounts_screen)

    keys = sub.add_parser(
        "keys", help="encryption key management", description="Encryption key management."
    )
    keys_sub = keys.add_subparsers(dest="keys_command", required=True, metavar="COMMAND")
    rotate = keys_sub.add_parser(
        "rotate",
        help="re-wrap every data key under the current master key",
        description="Re-wrap every per-record data key under the current master key "
        "(SIFARA_MASTER_KEY), unwrapping with the previous keys in "
        "SIFARA_PREVIOUS_MASTER_KEYS. Content is not rewritten; the server keeps running. "
        "Idempotent: re-run it to finish an interrupted rotation. Exits 1 if some keys "
        "could not be unwrapped.",
    )
    rotate.add_argument(
        "--generate",
        action="store_true",
        help="embedded profile: generate a new master key file first (the old key is kept "
        "in keys/master.previous)",
    )
    rotate.add_argument("--batch-size", type=int, default=500, help=argparse.SUPPRESS)
    rotate.set_defaults(func=cmd_keys_rotate)

    from sifara.archive.cli import register as register_archive
    from sifara.cables.cli import register as register_cables
    from sifara.listening.cli import register as register_listening

    register_cables(sub, _setup)
    register_archive(sub, _setup)
    register_listening(sub, _setup)

    check = sub.add_parser(
        "check",
        help="check the configuration (with --deploy: production checks)",
        description="Load the settings, run Django's system checks and reach the queue.",
    )
    check.add_argument("--deploy", action="store_true", help="include production checks")
    check.set_defaults(func=cmd_check)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if argv and argv[0] == "manage":
        # Everything after `manage` goes to Django untouched (including --help).
        args = argparse.Namespace(rest=argv[1:], func=cmd_manage)
    else:
        args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
