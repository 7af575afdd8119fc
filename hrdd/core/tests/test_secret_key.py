"""With DEBUG=0 the platform refuses to start on a public, empty or short SECRET_KEY.

Each case starts a real process as production would (no pytest in it), because the refusal
happens while the settings load, before any request.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
IMPACT_KEY = "q8W3mZ0rT5yU2iO7pA4sD9fG6hJ1kL3zX5cV8bN0mQ4="  # a Fernet key of 32 bytes
STRONG = "k3Jx9-Qp2vT8wLm4Zr7Yb1Nc6Hd0Fs5Ga8Ue2Wi9Oj3Pk7Rl1Sm6Tn4Vo0Xq5Yw2"
# An opt-out link for supplier 1 forged by anyone who read the settings file.
FORGE = """
import django
from django.core import signing
django.setup()
from hrdd.invitations.sending import OPT_OUT_SALT, opt_out_supplier_id
from config.settings import DEVELOPMENT_SECRET_KEY
token = signing.dumps(1, key=DEVELOPMENT_SECRET_KEY, salt=OPT_OUT_SALT, compress=True)
print("accepted" if opt_out_supplier_id(token) == 1 else "refused")
"""


def start(code: str, **env: str) -> subprocess.CompletedProcess:
    environ = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DEBUG", "IMPACT_ENCRYPTION_KEY"}
    }
    # These tests are about SECRET_KEY: the interview-notes key is set unless a test says.
    environ.update(
        {"DJANGO_SETTINGS_MODULE": "config.settings", "IMPACT_ENCRYPTION_KEY": IMPACT_KEY, **env}
    )
    return subprocess.run(  # noqa: S603 - this Python, fixed code
        [sys.executable, "-c", code], cwd=ROOT, env=environ, capture_output=True, text=True
    )


@pytest.mark.parametrize(
    "key",
    ["", "django-insecure-local-development-key-change-me-0123456789", "short-but-secret"],
    ids=["empty", "public development key", "short"],
)
def test_production_refuses_to_start_on_a_weak_key_and_says_how_to_set_one(key):
    started = start(FORGE, DEBUG="0", SECRET_KEY=key)
    assert started.returncode != 0
    assert "accepted" not in started.stdout
    assert "ImproperlyConfigured: SECRET_KEY" in started.stderr
    assert "secrets.token_urlsafe(50)" in started.stderr
    assert "export SECRET_KEY=" in started.stderr


def test_a_weak_fallback_key_is_refused_too():
    started = start(FORGE, DEBUG="0", SECRET_KEY=STRONG, SECRET_KEY_FALLBACKS="old-short-key")
    assert started.returncode != 0
    assert "SECRET_KEY_FALLBACKS is too short" in started.stderr


def test_with_its_own_key_production_refuses_a_link_forged_with_the_public_key():
    started = start(FORGE, DEBUG="0", SECRET_KEY=STRONG)
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip() == "refused"


def test_development_runs_with_the_public_key():
    started = start(FORGE, DEBUG="1")
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip() == "accepted"


@pytest.mark.parametrize(
    ("key", "problem"),
    [
        ("", "is not set"),
        ("ZGV2ZWxvcG1lbnQta2V5LWltcGFjdC1ub3RzZWNyZXQ=", "is the public development key"),
        ("not-a-fernet-key", "is not a Fernet key"),
    ],
    ids=["empty", "public development key", "malformed"],
)
def test_production_refuses_to_start_without_a_key_for_interview_notes(key, problem):
    started = start(FORGE, DEBUG="0", SECRET_KEY=STRONG, IMPACT_ENCRYPTION_KEY=key)
    assert started.returncode != 0
    assert f"ImproperlyConfigured: IMPACT_ENCRYPTION_KEY {problem}" in started.stderr
    assert "Fernet.generate_key()" in started.stderr


def test_a_malformed_fallback_key_for_interview_notes_is_refused_too():
    started = start(
        FORGE, DEBUG="0", SECRET_KEY=STRONG, IMPACT_ENCRYPTION_KEY_FALLBACKS="old-short-key"
    )
    assert started.returncode != 0
    assert "IMPACT_ENCRYPTION_KEY_FALLBACKS is not a Fernet key" in started.stderr


def manage(*arguments: str, **env: str) -> subprocess.CompletedProcess:
    """`manage.py` with production settings and no key of its own."""
    environ = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DEBUG", "IMPACT_ENCRYPTION_KEY"}
    }
    environ.update({"DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "0", **env})
    return subprocess.run(  # noqa: S603 - this Python, fixed arguments
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
    )


def test_commands_that_serve_and_sign_nothing_run_without_the_keys_the_rest_refuse():
    checked = manage("makemigrations", "--check", "--dry-run")
    assert checked.returncode == 0, checked.stderr[-1500:]
    assert "No changes detected" in checked.stdout
    served = manage("check", "--deploy")
    assert served.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY is not set" in served.stderr
