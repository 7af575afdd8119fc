"""EMAIL_URL: one variable chooses where mail goes (config.env.email_settings)."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from config.env import email_settings

ROOT = Path(settings.BASE_DIR)
FILE_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


def test_the_readme_example_writes_mail_where_the_readme_says(tmp_path):
    """The README's default `file://var/mail` is the project's var/mail folder, and a
    message sent with it lands there (a real process, as `manage.py` would load it)."""
    readme = (ROOT / "README.md").read_text()
    example = re.search(r"\| `EMAIL_URL` \| `([^`]+)` \|", readme).group(1)
    assert example == "file://var/mail"
    assert "written to `var/mail/`" in readme
    assert email_settings(example, base_dir=ROOT) == {
        "EMAIL_BACKEND": FILE_BACKEND,
        "EMAIL_FILE_PATH": str(ROOT / "var" / "mail"),
    }
    # In a copy of the layout, so the test writes nothing into the project's own var/.
    code = (
        "import django; django.setup()\n"
        "from django.conf import settings; from django.core.mail import send_mail\n"
        "send_mail('Hello', 'Body', 'a@example.org', ['b@example.org'])\n"
        "print(settings.EMAIL_FILE_PATH)\n"
    )
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings", DEBUG="1")
    env.update(EMAIL_URL="file://mailbox/out", VAR_DIR=str(tmp_path))
    env.pop("DATABASE_URL", None)
    shown = subprocess.run(  # noqa: S603 - this Python, fixed code
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert shown.returncode == 0, shown.stderr[-2000:]
    folder = ROOT / "mailbox" / "out"
    try:
        assert shown.stdout.strip().splitlines()[-1] == str(folder)
        assert "Subject: Hello" in "".join(p.read_text() for p in folder.glob("*.log"))
    finally:
        for message in folder.glob("*.log"):
            message.unlink()
        folder.rmdir()
        folder.parent.rmdir()


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("file:///srv/hrdd/mail", "/srv/hrdd/mail"),
        ("file://var/mail", "{root}/var/mail"),
        ("file://./outbox", "{root}/outbox"),
        ("file://var/my%20mail", "{root}/var/my mail"),
    ],
)
def test_file_urls(url, path):
    conf = email_settings(url, base_dir=Path("/project"))
    assert conf == {"EMAIL_BACKEND": FILE_BACKEND, "EMAIL_FILE_PATH": path.format(root="/project")}


def test_console():
    assert email_settings("console://", base_dir=ROOT) == {
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"
    }


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://mail.example.org", ("mail.example.org", 25, "", "", False, False, 20)),
        (
            "smtp+tls://user%40example.org:p%40ss%3Aw0rd@smtp.example.org:2525?timeout=5",
            ("smtp.example.org", 2525, "user@example.org", "p@ss:w0rd", True, False, 5),
        ),
        ("smtp+tls://smtp.example.org", ("smtp.example.org", 587, "", "", True, False, 20)),
        ("smtp+ssl://u:p@smtp.example.org", ("smtp.example.org", 465, "u", "p", False, True, 20)),
        ("smtp://", ("localhost", 25, "", "", False, False, 20)),
    ],
)
def test_smtp_urls(url, expected):
    conf = email_settings(url, base_dir=ROOT)
    assert conf["EMAIL_BACKEND"] == SMTP_BACKEND
    keys = ["HOST", "PORT", "HOST_USER", "HOST_PASSWORD", "USE_TLS", "USE_SSL", "TIMEOUT"]
    assert tuple(conf[f"EMAIL_{key}"] for key in keys) == expected


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("smtps://host", "unsupported scheme 'smtps'"),
        ("var/mail", "unsupported scheme ''"),
        ("smtp://host:abc", "the port of 'host:abc' is not a number"),
        ("smtp://host?timeout=soon", "timeout='soon' is not a number of seconds"),
        ("file://", "file:// needs a folder"),
    ],
)
def test_bad_urls_say_what_is_wrong(url, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        email_settings(url, base_dir=ROOT)
