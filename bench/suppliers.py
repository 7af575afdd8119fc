"""Suppliers over HTTP against a real gunicorn: shared by bench/submit.py and bench/faults.py.

- `ScratchDatabase`: a fresh database made for one run (an SQLite file in a temporary folder,
  or a PostgreSQL database named after the process) and dropped afterwards;
- `setup_django` / `prepare_campaign`: migrate it and make a crisis-impact campaign;
- `Server`: gunicorn on 127.0.0.1 (sync workers) against that database;
- `Browser`: one supplier's browser: its own cookies (csrftoken, messages), one
  http.client connection, the CSRF token sent back as a form would; no dependency;
- `answer_pages`: the fixed 10 answers the simulated suppliers give, page by page.

Nothing here is imported by the application.
"""

import base64
import contextlib
import http.client
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from datetime import datetime
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432"
HOST = "127.0.0.1"

# The 10 required questions of the crisis-impact questionnaire (the optional comment, q11,
# is left empty): 12 Answer rows once submitted (each multiple-choice answer also stores its
# "answered" marker row).
ANSWERS = {
    "q01_business_impact": "down_10_to_29",
    "q02_operational_status": "reduced",
    "q03_health_safety_measures": ["risk_assessment"],
    "q04_wages_paid": "full_on_time",
    "q05_working_hours": "up_to_48",
    "q06_freedom_to_leave": "free",
    "q07_collective_voice": "union_consulted",
    "q08_equal_treatment": "same_rules",
    "q09_health_data_privacy": "confidential",
    "q10_support_needed": ["stable_orders"],
}

CODE_IN_URL = re.compile(r"/a/([0-9A-Z-]+)/")
REVISION = re.compile(rb'name="revision" value="(\d+)"')
CSRF_IN_FORM = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def log(message: str) -> None:
    print(f"  [{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of values; nan when there are none."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def machine_info() -> list[tuple[str, str]]:
    cpu = platform.processor() or "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    load = os.getloadavg()
    return [
        ("date", datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")),
        ("machine", f"{os.cpu_count()} cores, {cpu}"),
        ("python", platform.python_version()),
        ("load average (1/5/15 min)", " / ".join(f"{x:.2f}" for x in load)),
    ]


# --------------------------------------------------------------------------------------------
# Database and Django
# --------------------------------------------------------------------------------------------


class ScratchDatabase:
    """A database for one run: SQLite in `workdir`, or PostgreSQL `hrdd_<name>_<pid>`."""

    def __init__(self, kind: str, workdir: Path, *, name: str, postgres_url: str = POSTGRES_URL):
        self.kind = kind
        self.postgres_url = postgres_url
        self.pg_name = f"hrdd_{name}_{os.getpid()}"
        if kind == "postgres":
            self.url = f"{postgres_url}/{self.pg_name}"
        else:
            self.url = f"sqlite:///{workdir / f'{name}.sqlite3'}"

    def create(self) -> None:
        if self.kind == "postgres":
            import psycopg

            with psycopg.connect(f"{self.postgres_url}/postgres", autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {self.pg_name} WITH (FORCE)")
                conn.execute(f"CREATE DATABASE {self.pg_name}")

    def drop(self) -> None:
        if self.kind == "postgres":
            import psycopg

            with psycopg.connect(f"{self.postgres_url}/postgres", autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {self.pg_name} WITH (FORCE)")

    def describe(self) -> str:
        if self.kind == "postgres":
            return f"PostgreSQL database {self.pg_name} (dropped at the end)"
        return f"SQLite {self.url.removeprefix('sqlite:///')} (temporary folder)"


def server_env(database_url: str, workdir: Path, *, settings: str = "config.settings", **extra):
    """The environment of the server and of the Django set up in this process."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE=settings,
        DATABASE_URL=database_url,
        VAR_DIR=str(workdir / "var"),
        DEBUG="0",
        # DEBUG=0 needs a strong key of its own (config/settings.py).
        SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        IMPACT_ENCRYPTION_KEY=os.environ.get("IMPACT_ENCRYPTION_KEY")
        or base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
        # Every client comes from 127.0.0.1: limits out of reach, their counting still paid.
        RATE_LIMIT_START_PER_ADDRESS="100000000/m",
        RATE_LIMIT_START_PER_CAMPAIGN="100000000/m",
        RATE_LIMIT_ANSWER_PER_ADDRESS="100000000/m",
        RATE_LIMIT_ANSWER_PER_CAMPAIGN="100000000/m",
    )
    env.update({key: str(value) for key, value in extra.items()})
    return env


def setup_django(env: dict) -> None:
    """Set up Django in this process with the same settings as the server."""
    for key in (
        "DJANGO_SETTINGS_MODULE",
        "DATABASE_URL",
        "VAR_DIR",
        "DEBUG",
        "SECRET_KEY",
        "IMPACT_ENCRYPTION_KEY",
        "DB_CONN_MAX_AGE",
    ):
        if key in env:
            os.environ[key] = env[key]
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    import django

    django.setup()


def prepare_campaign():
    """Migrate (which publishes the built-in questionnaires) and make a campaign on the
    crisis-impact questionnaire, open for 60 days, in English and Japanese."""
    from django.core.management import call_command

    from hrdd.responses.management.commands.generate_responses import (
        create_benchmark_campaign,
    )

    call_command("migrate", verbosity=0)
    return create_benchmark_campaign(name="Load benchmark")


def answer_pages(campaign) -> list[dict]:
    """The answers of each page of the campaign's questionnaire (pages = sections)."""
    definition = campaign.questionnaire_version.parsed
    pages = []
    for section in definition.sections:
        pages.append({q.code: ANSWERS[q.code] for q in section.questions if q.code in ANSWERS})
    assert sum(len(p) for p in pages) == len(ANSWERS), "the questionnaire changed"
    return pages


def expected_rows(campaign) -> set[tuple[str, str]]:
    """The (question, option) rows a submission of ANSWERS must have, as the app writes them."""
    from hrdd.responses.services import question_answer_rows

    definition = campaign.questionnaire_version.parsed
    rows = set()
    for question in definition.questions:
        if question.code in ANSWERS:
            rows |= {
                (r.question_code, r.option_code)
                for r in question_answer_rows(question, ANSWERS[question.code])
            }
    return rows


# --------------------------------------------------------------------------------------------
# Server
# --------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn with sync workers on 127.0.0.1, its log in the run's folder."""

    def __init__(self, env: dict, workdir: Path, *, workers: int = 2, timeout: int = 30):
        self.env = env
        self.port = free_port()
        self.log_path = workdir / "gunicorn.log"
        gunicorn = Path(sys.executable).parent / "gunicorn"
        self.command = [
            str(gunicorn if gunicorn.exists() else shutil.which("gunicorn")),
            "config.wsgi:application",
            "--bind",
            f"{HOST}:{self.port}",
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--timeout",
            str(timeout),
            "--backlog",
            "2048",
            "--chdir",
            str(ROOT),
            "--error-logfile",
            "-",
        ]
        self.process: subprocess.Popen | None = None

    def start(self, ready_path: str) -> None:
        # The workers' own log lines (errors, tracebacks) go to the log file too.
        with open(self.log_path, "ab") as log_file:
            self.process = subprocess.Popen(
                self.command, env=self.env, cwd=ROOT, stdout=log_file, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + 60
        browser = Browser(self.port, timeout=5)
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited:\n{self.log_tail()}")
            try:
                if browser.get(ready_path).status == 200:
                    return
            except RequestFailed:
                pass
            time.sleep(0.2)
        self.stop()
        raise SystemExit(f"gunicorn did not answer on {ready_path}:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text().splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def log_count(self, needle: str) -> int:
        try:
            return self.log_path.read_text().count(needle)
        except OSError:
            return 0


# --------------------------------------------------------------------------------------------
# Client
# --------------------------------------------------------------------------------------------


class RequestFailed(Exception):
    """No HTTP response: connection refused or reset, or timed out."""


class Reply:
    __slots__ = ("status", "location", "body", "seconds", "ended")

    def __init__(self, status, location, body, seconds, ended):
        self.status = status
        self.location = location
        self.body = body
        self.seconds = seconds
        self.ended = ended


class Browser:
    """One supplier's browser: cookies, and one connection to the server.

    gunicorn's sync workers close the connection after every response (no keep-alive);
    http.client then opens a new one for the next request, as a browser does.
    """

    def __init__(self, port: int, *, timeout: float = 30.0, language: str = "en"):
        self.port = port
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self.language = language
        self.connection = http.client.HTTPConnection(HOST, port, timeout=timeout)

    def _headers(self) -> dict:
        headers = {"Accept-Language": self.language, "User-Agent": "hrdd-bench"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return headers

    def _keep_cookies(self, response: http.client.HTTPResponse) -> None:
        for header in response.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or "1970" in morsel["expires"]:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def request(self, method: str, path: str, data: dict | None = None) -> Reply:
        headers = self._headers()
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException) as error:
            self.connection.close()
            raise RequestFailed(f"{method} {path}: {error!r}") from error
        ended = time.perf_counter()
        self._keep_cookies(response)
        return Reply(
            response.status, response.getheader("Location"), content, ended - started, ended
        )

    def get(self, path: str) -> Reply:
        return self.request("GET", path)

    def post(self, path: str, data: dict) -> Reply:
        return self.request("POST", path, data)

    def form(self, reply: Reply | None = None) -> dict:
        """The hidden fields a browser sends back: the form's CSRF token (else the cookie's)."""
        token = self.cookies.get("csrftoken", "")
        if reply is not None:
            match = CSRF_IN_FORM.search(reply.body)
            if match:
                token = match.group(1).decode()
        return {"csrfmiddlewaretoken": token}


def page_path(answer_path: str, page: int) -> str:
    """/r/<slug>/a/<code>/ for page 1, /r/<slug>/a/<code>/p/<n>/ after."""
    return answer_path if page == 1 else f"{answer_path}p/{page}/"


def revision_of(reply: Reply) -> str:
    match = REVISION.search(reply.body)
    return match.group(1).decode() if match else "0"


def new_workdir(prefix: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=prefix))
