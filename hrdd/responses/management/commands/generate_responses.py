"""Generate many realistic submitted responses quickly, for benchmarks and load tests.

    manage.py generate_responses --campaign ID --count N [--seed S] [--batch 5000]
    manage.py generate_responses --create-campaign [--count N]   (prints the new id first)
    ... [--supplier-fields] [--breakdowns country,industry,size]

The answers come from the demo generator (hrdd.core.management.commands.demo.demo_answers),
go through the visibility rule of a submission (conditions.keep_visible) and become Answer
rows through hrdd.responses.services.answer_rows, so the data has exactly the shape the
reports read. Responses are submitted, with unique random code hashes, submitted over the
last 30 days.

Speed (100,000 responses of the crisis questionnaire, ~1.25 million answers, 2 cores):
SQLite 21-29 s, PostgreSQL 27-40 s. One transaction per batch, the responses then their
answers written with executemany (COPY on PostgreSQL), values converted by the model fields;
the ORM's bulk_create builds and compiles a model instance per row and took 64 s on SQLite.
Answers of the next batch are generated in a second thread while the database writes this one.
On SQLite, synchronous=OFF is set for the duration (only an OS crash could lose data).

--supplier-fields fills each response's supplier country, industry and size (what a personal
link copies from the buyer's supplier list; its answers get copies, as on submission) with a
skewed mix: a few large countries, a tail of small ones and about 3 % unknown, so that
breakdowns have groups of every size.
--breakdowns declares them on the campaign made by --create-campaign.

No report release is made and no task is queued for the responses (the campaign made by
--create-campaign has its close-date release run scheduled, 30 days ahead, as every campaign
does): call report_release_if_due if you want a release.
"""

import os
import queue
import random
import threading
import time
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

from hrdd.campaigns.models import Campaign
from hrdd.campaigns.services import campaign_create
from hrdd.core.management.commands.demo import demo_answers
from hrdd.organisations.models import Organisation
from hrdd.questionnaires import conditions
from hrdd.questionnaires.models import Questionnaire
from hrdd.responses.models import RISK_SIGNAL_OPTION, RISK_SIGNAL_PREFIX, Answer, Response
from hrdd.responses.services import answer_rows

SPREAD = timedelta(days=30)  # submitted_at is spread over the last 30 days
STARTED_BEFORE = timedelta(minutes=12)  # created_at: when the supplier opened the form
CRISIS_CODE = "crisis-impact"
LOOKUP_CHUNK = 900  # code hashes per id lookup (SQLite's old limit is 999 parameters)

RESPONSE_FIELDS = [f for f in Response._meta.concrete_fields if not f.primary_key]
ANSWER_FIELDS = [
    Answer._meta.get_field(name)
    for name in ("response", "campaign", "question_code", "option_code", "number", "text")
]
# Copied from the response onto each of its answers, as a submission does (_write_answers).
ANSWER_SUPPLIER_FIELDS = [
    Answer._meta.get_field(name)
    for name in ("supplier_country", "supplier_industry", "supplier_size")
]


def _weighted(pairs) -> tuple[list, list]:
    """(values, weights) for random.choices."""
    values, weights = zip(*pairs, strict=True)
    return list(values), list(weights)


# Supplier dimensions for --supplier-fields, as (values, weights); "" is "not known".
SUPPLIER_COUNTRIES = _weighted(
    [
        ("VN", 30), ("TH", 20), ("BD", 15), ("CN", 12), ("ID", 8), ("KH", 4), ("MM", 3),
        ("LA", 1), ("NP", 1), ("LK", 1), ("PH", 1), ("MY", 1), ("", 3),
    ]
)  # fmt: skip
SUPPLIER_INDUSTRIES = _weighted(
    [
        ("apparel", 45), ("food", 20), ("electronics", 15), ("fisheries", 8),
        ("agriculture", 6), ("services", 3), ("", 3),
    ]
)  # fmt: skip
SUPPLIER_SIZES = _weighted(
    [("1-9", 10), ("10-49", 30), ("50-249", 35), ("250-999", 15), ("1000+", 7), ("", 3)]
)


def create_benchmark_campaign(
    *, name: str = "Benchmark campaign", breakdowns: list[str] = ()
) -> Campaign:
    """A new buyer organisation and a campaign on the latest crisis-impact version.

    The campaign opened 31 days ago (so every generated submission falls inside it) and
    stays open for another 30 days.
    """
    questionnaire = Questionnaire.objects.filter(code=CRISIS_CODE).first()
    version = questionnaire.latest_version() if questionnaire else None
    if version is None:
        raise CommandError(
            f"No published '{CRISIS_CODE}' questionnaire: run migrate (it publishes the "
            "built-in questionnaires) or publish_questionnaire --builtin."
        )
    organisation = Organisation.objects.create(
        name="Benchmark Buyer", country="JP", industry="apparel"
    )
    opens_at = timezone.now() - SPREAD - timedelta(days=1)
    return campaign_create(
        organisation=organisation,
        questionnaire_version=version,
        name=name,
        languages=["en", "ja"],
        by=None,
        opens_at=opens_at,
        closes_at=opens_at + 2 * SPREAD,
        breakdowns=list(breakdowns),
    )


class _Writer:
    """Writes rows of database values into one model's table: COPY on PostgreSQL (a row at
    a time through executemany is 4 times slower there), executemany elsewhere."""

    def __init__(self, db, model, fields):
        quote = db.ops.quote_name
        table = quote(model._meta.db_table)
        columns = ", ".join(quote(f.column) for f in fields)
        self.copy = db.vendor == "postgresql"
        if self.copy:
            self.sql = f"COPY {table} ({columns}) FROM STDIN"
        else:
            placeholders = ", ".join(["%s"] * len(fields))
            self.sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608

    def __call__(self, cursor, rows: list) -> None:
        if self.copy:
            with cursor.cursor.copy(self.sql) as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(self.sql, rows)


class _AnswerRows:
    """Answer rows of one response's answers, exactly as response_submit stores them.

    answer_rows is called once per distinct (question, value) and its rows are kept as
    tuples of database values: answers repeat a lot, and building a model instance for
    each of 10^6 rows would take longer than writing them. A single answer signals no risk
    on its own rows' behalf (answer_rows adds those per response), so they are added here
    for the whole response.
    """

    def __init__(self, definition, db):
        self.definition = definition
        self.db = db
        self.cache: dict = {}
        self.fields = ANSWER_FIELDS[2:]  # question_code, option_code, number, text

    @staticmethod
    def _key(value):
        if isinstance(value, dict):
            return tuple(sorted(value.items()))
        if isinstance(value, list):
            return tuple(value)
        return value

    def __call__(self, answers: dict) -> list[tuple]:
        rows = []
        for code, value in answers.items():
            if not value:
                continue
            key = (code, self._key(value))
            cached = self.cache.get(key)
            if cached is None:
                cached = self.cache[key] = self._prepare(
                    row
                    for row in answer_rows(definition=self.definition, answers={code: value})
                    if not row.question_code.startswith(RISK_SIGNAL_PREFIX)
                )
            rows += cached
        # The risk-signal rows of the whole response (one per topic), as a submission adds.
        signalled = frozenset(self.definition.signalled_topics((r[0], r[1]) for r in rows))
        extra = self.cache.get(signalled)
        if extra is None:
            extra = self.cache[signalled] = self._prepare(
                Answer(question_code=RISK_SIGNAL_PREFIX + t, option_code=RISK_SIGNAL_OPTION)
                for t in sorted(signalled)
            )
        return rows + extra

    def _prepare(self, rows) -> list[tuple]:
        return [
            tuple(
                field.get_db_prep_save(getattr(row, field.attname), self.db)
                for field in self.fields
            )
            for row in rows
        ]


class _Generator:
    """Batches of (response rows, their code hashes, their answer rows), from one seed."""

    def __init__(self, campaign: Campaign, rng: random.Random, db, supplier_fields=None):
        self.campaign = campaign
        # Its own generator, so that the answers are the same with or without dimensions.
        self.supplier_fields = supplier_fields
        self.definition = campaign.questionnaire_version.parsed
        self.languages = campaign.languages or [self.definition.languages[0]]
        self.rng = rng
        self.db = db
        self.answer_rows = _AnswerRows(self.definition, db)
        self.now = timezone.now()

    def _response_row(self, values: dict) -> list:
        """Database values of one Response row: `values` by attname, else field defaults."""
        return [
            field.get_db_prep_save(
                values[field.attname] if field.attname in values else field.get_default(),
                self.db,
            )
            for field in RESPONSE_FIELDS
        ]

    def batch(self, first: int, size: int) -> tuple[list, list, list, list]:
        """(response rows, code hashes, answer rows, supplier fields) of `size` responses."""
        definition, rng = self.definition, self.rng
        spread = SPREAD.total_seconds()
        responses, hashes, answer_rows, suppliers = [], [], [], []
        for i in range(first, first + size):
            language = self.languages[i % len(self.languages)]
            # What response_submit stores: only the answers to questions left visible.
            answers = conditions.keep_visible(definition, demo_answers(definition, language, rng))
            submitted_at = self.now - timedelta(seconds=rng.random() * spread)
            code_hash = os.urandom(32).hex()  # random whatever the seed: never collides
            values = {
                "campaign_id": self.campaign.pk,
                "status": Response.Status.SUBMITTED,
                "language": language,
                "code_hash": code_hash,
                "draft": answers,
                "revision": 1,
                "created_at": submitted_at - STARTED_BEFORE,
                "updated_at": submitted_at,
                "submitted_at": submitted_at,
            }
            if self.supplier_fields:
                dims = self.supplier_fields
                values["supplier_country"] = dims.choices(*SUPPLIER_COUNTRIES)[0]
                values["supplier_industry"] = dims.choices(*SUPPLIER_INDUSTRIES)[0]
                values["supplier_size"] = dims.choices(*SUPPLIER_SIZES)[0]
            responses.append(self._response_row(values))
            hashes.append(code_hash)
            answer_rows.append(self.answer_rows(answers))
            suppliers.append(
                tuple(
                    field.get_db_prep_save(values.get(field.attname, ""), self.db)
                    for field in ANSWER_SUPPLIER_FIELDS
                )
            )
        return responses, hashes, answer_rows, suppliers


def _produce(generator: _Generator, count: int, batch: int, out: queue.Queue) -> None:
    """Generate every batch into `out` (a thread: it never touches the database)."""
    try:
        for first in range(0, count, batch):
            out.put(generator.batch(first, min(batch, count - first)))
    except BaseException as error:  # handed over to the writer, which raises it
        out.put(error)


class Command(BaseCommand):
    help = (
        "Create COUNT realistic submitted responses (with their Answer rows) in a campaign, "
        "fast. With --create-campaign, first create a buyer organisation and a campaign on "
        "the latest crisis-impact version and print its id on the first line."
    )

    def add_arguments(self, parser):
        parser.add_argument("--campaign", type=int, help="id of the campaign to fill")
        parser.add_argument("--count", type=int, default=0, help="number of responses")
        parser.add_argument("--seed", type=int, default=2026, help="seed of the answers")
        parser.add_argument("--batch", type=int, default=5000, help="responses per transaction")
        parser.add_argument(
            "--create-campaign",
            action="store_true",
            help="create an organisation and a campaign on the latest crisis-impact version",
        )
        parser.add_argument(
            "--supplier-fields",
            action="store_true",
            help="fill each response's supplier country, industry and size (skewed mix)",
        )
        parser.add_argument(
            "--breakdowns",
            default="",
            help="with --create-campaign: report breakdowns to declare, e.g. country,industry",
        )

    def handle(self, *args, campaign, count, seed, batch, create_campaign, **options):
        self.verbosity = options["verbosity"]
        if count < 0 or batch < 1:
            raise CommandError("--count must be >= 0 and --batch >= 1.")
        if create_campaign:
            if campaign is not None:
                raise CommandError("Give either --campaign or --create-campaign, not both.")
            breakdowns = [b for b in options["breakdowns"].split(",") if b]
            target = create_benchmark_campaign(breakdowns=breakdowns)
            self.stdout.write(str(target.pk))
        elif campaign is None:
            raise CommandError("Give --campaign ID or --create-campaign.")
        else:
            target = (
                Campaign.objects.select_related("questionnaire_version").filter(pk=campaign).first()
            )
            if target is None:
                raise CommandError(f"No campaign {campaign}.")
        if not count:
            return
        started = time.perf_counter()
        dims = random.Random(seed + 1) if options["supplier_fields"] else None
        responses, answers = self._generate(target, count, random.Random(seed), batch, dims)
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"Created {responses} submitted responses and {answers} answers in campaign "
            f"{target.pk} in {elapsed:.1f} s ({responses / elapsed:,.0f} responses/s)."
        )

    def _generate(self, campaign, count, rng, batch, dims=None) -> tuple[int, int]:
        db = connections[DEFAULT_DB_ALIAS]  # this thread's connection, handed to the producer
        batches: queue.Queue = queue.Queue(maxsize=2)
        producer = threading.Thread(
            target=_produce,
            args=(_Generator(campaign, rng, db, dims), count, batch, batches),
            daemon=True,
        )
        write_responses = _Writer(db, Response, RESPONSE_FIELDS)
        write_answers = _Writer(db, Answer, ANSWER_FIELDS + ANSWER_SUPPLIER_FIELDS)
        sqlite = db.vendor == "sqlite" and not db.in_atomic_block
        if sqlite:
            db.ensure_connection()
            previous = db.connection.execute("PRAGMA synchronous").fetchone()[0]
            db.connection.execute("PRAGMA synchronous=OFF")
        producer.start()
        done = answers_done = 0
        try:
            while done < count:
                item = batches.get()
                if isinstance(item, BaseException):
                    raise item
                responses, hashes, answer_rows, suppliers = item
                with transaction.atomic(using=db.alias), db.cursor() as cursor:
                    write_responses(cursor, responses)
                    ids = {}
                    for start in range(0, len(hashes), LOOKUP_CHUNK):
                        chunk = hashes[start : start + LOOKUP_CHUNK]
                        ids.update(
                            Response.objects.using(db.alias)
                            .filter(code_hash__in=chunk)
                            .values_list("code_hash", "pk")
                        )
                    params = [
                        (ids[code_hash], campaign.pk, *row, *supplier)
                        for code_hash, rows, supplier in zip(
                            hashes, answer_rows, suppliers, strict=True
                        )
                        for row in rows
                    ]
                    write_answers(cursor, params)
                done += len(hashes)
                answers_done += len(params)
                if self.verbosity >= 2:
                    self.stderr.write(f"{done}/{count}")
        finally:
            if sqlite:
                db.connection.execute(f"PRAGMA synchronous={int(previous)}")
        producer.join()
        return done, answers_done
