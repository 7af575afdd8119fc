"""The help directory's first entries (docs/grievances.md, "Help directory").

Only the police emergency number is marked verified: it is the official number, published
by the National Police Agency. Every other entry is marked unverified until the operator
checks its number and address at the source and records the date.
"""

import datetime

from django.db import migrations

ENTRIES = [
    {
        "country": "JP",
        "name": "Police emergency: 110 (警察 110番)",
        "description": "Emergencies: violence, threats, being locked in. Free, 24 hours.",
        "phone": "110",
        "website": "https://www.npa.go.jp/english/",
        "languages": "Japanese; interpreters on request",
        "source_url": "https://www.npa.go.jp/english/",
        "verified": True,
        "verified_on": datetime.date(2026, 12, 5),
    },
    {
        "country": "JP",
        "name": "Labour Conditions Consultation Hotline (労働条件相談ほっとライン), MHLW",
        "description": "Unpaid wages, long hours, unfair dismissal. Free advice by phone.",
        "phone": "0120-811-610",
        "website": "https://www.check-roudou.mhlw.go.jp/soudan/",
        "languages": "Japanese and several other languages",
        "source_url": "https://www.check-roudou.mhlw.go.jp/soudan/",
    },
    {
        "country": "JP",
        "name": "Organization for Technical Intern Training (OTIT): consultation in your "
        "language",
        "description": "For technical intern trainees: advice and help to change employer.",
        "website": "https://www.otit.go.jp/",
        "languages": "Vietnamese, Chinese, Indonesian, Tagalog, English, Thai, Khmer, Burmese, "
        "Nepali and others",
        "source_url": "https://www.otit.go.jp/",
    },
    {
        "country": "JP",
        "name": "Foreign Residents Support Center (FRESC), Immigration Services Agency",
        "description": "Advice for foreign residents on visas, work and daily life.",
        "website": "https://www.moj.go.jp/isa/support/fresc/fresc01.html",
        "languages": "Many languages",
        "source_url": "https://www.moj.go.jp/isa/support/fresc/fresc01.html",
    },
    {
        "country": "US",
        "name": "National Human Trafficking Hotline",
        "description": "Confidential help for victims of trafficking, 24 hours.",
        "phone": "1-888-373-7888",
        "website": "https://humantraffickinghotline.org/",
        "languages": "English, Spanish and 200+ languages by interpreter",
        "source_url": "https://humantraffickinghotline.org/",
    },
    {
        "country": "GB",
        "name": "Modern Slavery & Exploitation Helpline",
        "description": "Confidential help and advice, 24 hours.",
        "phone": "08000 121 700",
        "website": "https://www.modernslaveryhelpline.org/",
        "languages": "English; interpreters on request",
        "source_url": "https://www.modernslaveryhelpline.org/",
    },
]


def add(apps, schema_editor):
    HelpContact = apps.get_model("grievances", "HelpContact")
    for entry in ENTRIES:
        HelpContact.objects.get_or_create(name=entry["name"], defaults=entry)


def remove(apps, schema_editor):
    HelpContact = apps.get_model("grievances", "HelpContact")
    HelpContact.objects.filter(name__in=[e["name"] for e in ENTRIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("grievances", "0002_red_flags_help_directory_events")]
    operations = [migrations.RunPython(add, remove)]
