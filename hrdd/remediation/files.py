"""Evidence files: what is accepted (told by content, not by name), and images re-encoded so
that none of their metadata (EXIF: GPS position, device, time; XMP; comments) is kept."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from hrdd.core import images

PDF, PNG, JPEG = "application/pdf", "image/png", "image/jpeg"
# Images larger than this many pixels are refused before decoding (decompression bombs).
MAX_PIXELS = 40_000_000


@dataclass
class CheckedFile:
    filename: str
    content_type: str
    content: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def sniff(head: bytes) -> str | None:
    """The type the first bytes say, as the `file` command would, or None."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    return None


def _strip_image(content: bytes, content_type: str) -> bytes:
    """The image encoded again from its pixels only (hrdd.core.images)."""
    try:
        _type, clean = images.strip_image_metadata(content, max_pixels=MAX_PIXELS)
    except ValueError as exc:
        raise ValidationError(
            {"file": _("This image cannot be read. Please send a PNG or JPEG photo.")}
        ) from exc
    return clean


def check_upload(upload) -> CheckedFile:
    """The uploaded file if it is a PDF, PNG or JPEG no larger than the limit (images
    re-encoded without metadata); else ValidationError on "file" saying what is wrong."""
    limit = settings.REMEDIATION_EVIDENCE_MAX_BYTES
    if upload is None:
        raise ValidationError({"file": _("Choose a file to upload.")})
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            {
                "file": _("The file is too large (%(size)s). At most %(limit)s.")
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
            }
        )
    upload.seek(0)
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise ValidationError(
            {
                "file": _("The file is too large. At most %(limit)s.")
                % {"limit": filesizeformat(limit)}
            }
        )
    content_type = sniff(content[:16])
    if content_type is None:
        raise ValidationError(
            {"file": _("Only PDF documents and PNG or JPEG images can be uploaded.")}
        )
    if content_type != PDF:
        content = _strip_image(content, content_type)
    name = (upload.name or "evidence").replace("\\", "/").rsplit("/", 1)[-1][:150]
    return CheckedFile(filename=name or "evidence", content_type=content_type, content=content)
