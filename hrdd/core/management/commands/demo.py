"""Fill the database with a realistic demo: an operator, two buyers, campaigns, responses."""

import random
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from hrdd.accounts.models import User
from hrdd.campaigns.models import Campaign
from hrdd.campaigns.services import campaign_create
from hrdd.invitations.models import Invitation
from hrdd.invitations.services import campaign_invite
from hrdd.laws.services import library_load
from hrdd.links.services import invitation_start_response
from hrdd.organisations.models import Membership, Organisation
from hrdd.organisations.services import application_submit
from hrdd.questionnaires.definition import COUNTRY, DATE, LONG_TEXT, Definition
from hrdd.questionnaires.models import Questionnaire
from hrdd.questionnaires.services import questionnaire_sync_builtin
from hrdd.reference.services import shipped_load_all
from hrdd.reports.services import report_release_if_due
from hrdd.responses.services import response_save_draft, response_start, response_submit
from hrdd.risk.selectors import latest_assessment
from hrdd.risk.services import assessment_compute, priorities_request
from hrdd.suppliers.models import Supplier

PASSWORD = "demo-password-1"  # noqa: S105 - printed on the console for the demo on purpose
OPERATOR_EMAIL = "operator@example.org"

# How likely each risk level is among a demo supplier's answers: most report few problems.
RISK_WEIGHTS = {"none": 8, "low": 6, "medium": 3, "high": 1.2, None: 0.6}
COMMENTS = {
    "en": [
        "Orders dropped sharply in spring; we kept all permanent workers but reduced overtime.",
        "We would welcome longer lead times on orders.",
        "Dormitory capacity was reduced to allow distancing.",
    ],
    "ja": [
        "春に受注が大幅に減少しましたが、正社員の雇用は維持し、残業を減らしました。",
        "発注のリードタイムを長くしていただけると助かります。",
    ],
}


def _pick(rng: random.Random, options, exclude_exclusive=False):
    pool = [o for o in options if not (exclude_exclusive and o.exclusive)]
    weights = [RISK_WEIGHTS.get(o.risk, 1) for o in pool]
    return rng.choices(pool, weights=weights)[0]


SUPPLIERS = [
    ("Saigon Knitwear Co.", "VN"),
    ("Dhaka Denim Ltd.", "BD"),
    ("Chiang Mai Textiles", "TH"),
    ("Bandung Garment Works", "ID"),
    ("Yangon Sewing Factory", "MM"),
    ("Guangzhou Trims Co.", "CN"),
    ("Hai Phong Apparel", "VN"),
    ("Mandalay Threads", "MM"),
    ("Cebu Fashion Manufacturing", "PH"),
]
DEMO_COUNTRIES = ["VN", "TH", "ID", "MM", "NP", "PH", "CN", "BD"]
# Northwind's supplier list: (place, kind of works, country, industry, size band, language).
LIST_PLACES = [
    ("Saigon", "VN", "vi"),
    ("Hai Phong", "VN", "vi"),
    ("Da Nang", "VN", "vi"),
    ("Chiang Mai", "TH", "th"),
    ("Samut Sakhon", "TH", "th"),
    ("Bandung", "ID", "id"),
    ("Semarang", "ID", "id"),
    ("Yangon", "MM", "my"),
    ("Dhaka", "BD", "en"),
    ("Cebu", "PH", "tl"),
    ("Osaka", "JP", "ja"),
    ("Gifu", "JP", "ja"),
]
LIST_WORKS = [
    ("Knitwear", "apparel", "250-999"),
    ("Denim Mills", "apparel", "1000+"),
    ("Trims & Labels", "apparel", "50-249"),
    ("Seafood Processing", "fisheries", "250-999"),
    ("Packaging", "chemicals", "10-49"),
]


def demo_answers(definition: Definition, language: str, rng: random.Random) -> dict:
    """A plausible set of answers to any questionnaire (conditions are applied on save)."""
    answers: dict = {}
    for q in definition.questions:
        if q.is_text:
            if q.type == LONG_TEXT and rng.random() < 0.3:
                answers[q.code] = rng.choice(COMMENTS.get(language, COMMENTS["en"]))
        elif q.is_multiple:
            first = _pick(rng, q.options)
            if first.exclusive:
                answers[q.code] = [first.code]
            else:
                ordinary = [o for o in q.options if not o.exclusive]
                chosen = {first.code} | {o.code for o in ordinary if rng.random() < 0.45}
                answers[q.code] = sorted(chosen)
        elif q.is_grid:
            answers[q.code] = {row.code: _pick(rng, q.options).code for row in q.rows}
        elif q.is_numeric:
            low = int(q.min if q.min is not None else 0)
            high = int(q.max if q.max is not None else low + 60)
            # Most answers low, a few high: like real hours, fees and shares.
            answers[q.code] = str(low + int((high - low) * rng.random() ** 2))
        elif q.type == COUNTRY:
            answers[q.code] = rng.choice(DEMO_COUNTRIES)
        elif q.type == DATE:
            answers[q.code] = f"2026-{rng.randint(1, 10):02d}-{rng.randint(1, 28):02d}"
        else:
            answers[q.code] = _pick(rng, q.options).code
    return answers


class Command(BaseCommand):
    help = "Load demo data (operator, two buyers, campaigns, responses). Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, seed, **options):
        # Reference data first, also on a database that has the demo already: each shipped
        # file loads once (by its hash). The first risk assessment is computed from it; later
        # ones only when the operator asks, so a new edition never changes a stored one.
        loaded = [r for r in shipped_load_all() if r.created]
        self.stdout.write(f"Reference data: {len(loaded)} new edition(s) loaded.")
        self.stdout.write("Laws: {added} added, {updated} updated.".format(**library_load()))
        if latest_assessment() is None:
            assessment_compute()
            self.stdout.write("Risk assessment computed.")
        if User.objects.filter(email=OPERATOR_EMAIL).exists():
            self.stdout.write("Demo data is already loaded.")
            return
        rng = random.Random(seed)
        with transaction.atomic():
            self._load(rng)
            # Each buyer's suppliers ranked by the worker, as a member's first click would.
            for buyer in Organisation.objects.filter(kind=Organisation.Kind.BUYER):
                priorities_request(organisation=buyer)
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))

    def _user(self, email, name, language="en", **extra) -> User:
        user = User.objects.create_user(email=email, password=PASSWORD, full_name=name, **extra)
        user.language = language
        user.save(update_fields=["language"])
        return user

    def _load(self, rng: random.Random) -> None:
        questionnaire_sync_builtin()
        crisis = Questionnaire.objects.get(code="crisis-impact")
        version = crisis.latest_version()
        migrants = Questionnaire.objects.filter(code="migrant-workers").first()

        operator = Organisation.objects.create(
            kind=Organisation.Kind.OPERATOR, name="Responsible Supply Alliance", country="JP"
        )
        staff = self._user(OPERATOR_EMAIL, "Olivia Operator", is_staff=True, is_superuser=True)
        Membership.objects.create(organisation=operator, user=staff, role=Membership.Role.OWNER)

        # Northwind is on the paid plan: its disclosed campaign has a Detailed Report.
        northwind = Organisation.objects.create(
            name="Northwind Apparel", country="JP", industry="apparel", plan=Organisation.Plan.PAID
        )
        alice = self._user("alice@northwind.example", "Alice Tanaka", "en")
        bob = self._user("bob@northwind.example", "Bob Suzuki", "ja")
        Membership.objects.create(organisation=northwind, user=alice, role=Membership.Role.OWNER)
        Membership.objects.create(organisation=northwind, user=bob, role=Membership.Role.VIEWER)

        kansai = Organisation.objects.create(name="Kansai Foods", country="JP", industry="food")
        carol = self._user("carol@kansai.example", "Carol Yamamoto", "ja")
        Membership.objects.create(organisation=kansai, user=carol, role=Membership.Role.OWNER)

        # A third buyer, so that the operator's insights across buyers have enough of them.
        hokuriku = Organisation.objects.create(
            name="Hokuriku Electronics", country="JP", industry="electronics"
        )
        dave = self._user("dave@hokuriku.example", "Dave Kato", "ja")
        Membership.objects.create(organisation=hokuriku, user=dave, role=Membership.Role.OWNER)

        now = timezone.now()
        confidential, disclosed = Campaign.Mode.CONFIDENTIAL, Campaign.Mode.DISCLOSED
        en_ja = ["en", "ja"]
        # Reports are measured with noise (docs/privacy.md): a campaign's first release comes
        # at close, or once it has PRIVACY_FIRST_RELEASE responses. The first three campaigns
        # closed a few days ago, so their Summary Reports are there to read.
        plans = [
            # (organisation, name, owner, responses, days open, days left, version, languages,
            #  mode)
            (
                northwind,
                "Crisis impact assessment 2026",
                alice,
                120,
                40,
                -3,
                version,
                en_ja,
                confidential,
            ),
            (
                kansai,
                "サプライヤー危機影響調査 2026",
                carol,
                30,
                35,
                -2,
                version,
                en_ja,
                confidential,
            ),
            (hokuriku, "Crisis impact 2026", dave, 60, 30, -1, version, en_ja, confidential),
            (
                northwind,
                "Crisis impact: new suppliers",
                alice,
                3,
                5,
                25,
                version,
                en_ja,
                confidential,
            ),
            (
                northwind,
                "Strategic suppliers: crisis check",
                alice,
                9,
                8,
                22,
                version,
                en_ja,
                disclosed,
            ),
        ]
        if migrants:
            plans.append(
                (
                    kansai,
                    "外国人労働者の受入れ状況調査 2026",
                    carol,
                    24,
                    12,
                    18,
                    migrants.latest_version(),
                    ["ja", "en", "vi", "id", "my", "ne"],
                    confidential,
                )
            )
        for organisation, name, owner, count, days, left, pinned, languages, mode in plans:
            campaign = campaign_create(
                organisation=organisation,
                questionnaire_version=pinned,
                name=name,
                languages=languages,
                by=owner,
                opens_at=now - timedelta(days=days),
                closes_at=now + timedelta(days=max(left, 1)),
                mode=mode,
            )
            self._respond(campaign, count, rng)
            if left < 0:
                Campaign.objects.filter(pk=campaign.pk).update(closes_at=now + timedelta(days=left))
            report_release_if_due(campaign_id=campaign.pk)

        self._personal_links(northwind, alice, version, now, rng)

        application_submit(
            organisation_name="Mekong Garments Trading",
            country="VN",
            industry="apparel",
            contact_name="Nguyen Thi Lan",
            email="lan@mekong-garments.example",
            supplier_count="50-199",
            questionnaire=crisis,
            languages=["en", "ja"],
            language="en",
        )

    def _personal_links(self, buyer, owner, version, now, rng: random.Random) -> None:
        """A supplier list of 60 and a campaign sent to it by personal links, with reminders:
        the e-mails are in var/mail/ once the worker has run; 24 suppliers have answered."""
        Supplier.objects.bulk_create(
            [
                Supplier(
                    organisation=buyer,
                    name=f"{place} {works}",
                    country=country,
                    industry=industry,
                    size_band=size,
                    contact_name=rng.choice(["Lan", "Somchai", "Dewi", "Aung", "Maria", "Sato"]),
                    email=f"contact{n}@{place.lower().replace(' ', '-')}-{i}.example",
                    language=language,
                )
                for n, ((place, country, language), (i, (works, industry, size))) in enumerate(
                    (p, w) for p in LIST_PLACES for w in enumerate(LIST_WORKS)
                )
            ]
        )
        campaign = campaign_create(
            organisation=buyer,
            questionnaire_version=version,
            name="Crisis impact: supplier list",
            languages=["en", "ja", "vi", "th", "id"],
            by=owner,
            opens_at=now - timedelta(days=6),
            closes_at=now + timedelta(days=24),
        )
        Campaign.objects.filter(pk=campaign.pk).update(
            reminder_days=[7, 2], breakdowns=[Campaign.Breakdown.COUNTRY]
        )
        campaign.refresh_from_db()
        campaign_invite(campaign=campaign, by=owner)
        definition = version.parsed
        for invitation in Invitation.objects.filter(campaign=campaign).order_by("pk")[:24]:
            language = campaign.languages[invitation.pk % len(campaign.languages)]
            response = invitation_start_response(invitation=invitation, language=language)
            response = response_save_draft(
                response=response, answers=demo_answers(definition, language, rng)
            )
            response_submit(response=response)
        report_release_if_due(campaign_id=campaign.pk)

    def _respond(self, campaign: Campaign, count: int, rng: random.Random) -> None:
        definition = campaign.questionnaire_version.parsed
        for i in range(count):
            language = campaign.languages[i % len(campaign.languages)]
            identity = {}
            if campaign.is_disclosed:
                name, country = SUPPLIERS[i % len(SUPPLIERS)]
                identity = {"supplier_name": name, "supplier_country": country, "consent": True}
            response, _code = response_start(campaign=campaign, language=language, **identity)
            response = response_save_draft(
                response=response, answers=demo_answers(definition, language, rng)
            )
            response_submit(response=response)
        # One supplier that saved a draft and has not submitted: never counted.
        identity = (
            {"supplier_name": "Late Supplier Co.", "consent": True} if campaign.is_disclosed else {}
        )
        response, _code = response_start(campaign=campaign, language="en", **identity)
        first = definition.questions[0]
        response_save_draft(
            response=response, answers={first.code: first.options[0].code} if first.options else {}
        )
