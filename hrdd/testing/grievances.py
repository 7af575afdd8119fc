"""Builders for the grievance channel's tests: a handler with a key, a channel, a photo."""

import io

from django.urls import reverse
from PIL import Image

from hrdd.grievances import services

PASSPHRASE = "correct horse battery"  # noqa: S105 - a test passphrase
# What a reporter's request carries, which must never be stored or logged.
ADDRESS = "203.0.113.77"
AGENT = "PhoneBrowser/9.9 (unique-agent-x7q)"
SECRET_STORY = "The supervisor keeps our passports in his office"  # noqa: S105 - a story


def send(client, channel_a, **extra):
    """Post a report through the channel's form as a worker's phone would: (page, code)."""
    data = {
        "what": SECRET_STORY,
        "where": "Line 3",
        "since": "March",
        "who": "Twelve of us",
        "want": "Our passports back",
        "contact": "",
        **extra,
    }
    page = client.post(
        reverse("grievances:report", args=[channel_a.slug]),
        data,
        REMOTE_ADDR=ADDRESS,
        HTTP_USER_AGENT=AGENT,
    )
    assert page.status_code == 200, page.content.decode()
    return page, page.context.get("code")


def unlock(client, organisation, user):
    """Log `user` in and unlock their grievance key."""
    client.force_login(user)
    client.post(reverse("grievances:unlock", args=[organisation.pk]), {"passphrase": PASSPHRASE})


def handler_with_key(user, passphrase: str = PASSPHRASE):
    return services.handler_key_create(user=user, passphrase=passphrase)


def channel(organisation, handler, *, languages=("en", "vi", "my"), site=None):
    handler_with_key(handler)
    return services.channel_create(
        organisation=organisation, name="Northwind workers", languages=list(languages), site=site
    )


def photo_with_location() -> bytes:
    """A JPEG carrying EXIF (a GPS position and a camera serial) to be stripped."""
    image = Image.new("RGB", (40, 30), (200, 30, 30))
    exif = Image.Exif()
    exif[0xA431] = "SERIAL-CAMERA-4242"  # BodySerialNumber
    exif[0x010F] = "PhoneMaker"
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def grievance_case(organisation, handler):
    """A channel of `organisation` with one case holding one attachment."""
    made = channel(organisation, handler)
    case, _code = services.case_report(
        channel=made,
        language="en",
        answers={"what": "Wages withheld"},
        attachments=[("application/pdf", b"%PDF-1.4 payslip")],
    )
    return case, case.attachments.get()


def help_directory():
    """The help directory's first entries, as migration 0003 adds them (a transactional
    test before may have emptied the table)."""
    import importlib

    from hrdd.grievances.models import HelpContact

    first = importlib.import_module("hrdd.grievances.migrations.0003_help_directory_first_entries")
    for entry in first.ENTRIES:
        HelpContact.objects.get_or_create(name=entry["name"], defaults=entry)
    return HelpContact.objects.all()
