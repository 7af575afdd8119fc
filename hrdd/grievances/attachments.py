"""What a reporter may attach: a few images or PDFs, size-capped, the type read from the
content (never from the name or the browser's claim), images re-encoded so that their
metadata (GPS position, camera serial number, time) is not kept."""

import io

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

IMAGE_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


def clean_attachment(uploaded) -> tuple[str, bytes]:
    """(media type, bytes to store) of an accepted file, else a ValidationError naming it."""
    limit = settings.GRIEVANCE_ATTACHMENT_MAX_BYTES
    if uploaded.size > limit:
        raise ValidationError(
            _("%(name)s is too large (at most %(size)s MB).")
            % {"name": uploaded.name, "size": limit // (1024 * 1024)}
        )
    data = uploaded.read()
    if data.startswith(b"%PDF-"):
        return "application/pdf", data
    try:
        return _reencoded(data)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            _("%(name)s is not a photo or a PDF.") % {"name": uploaded.name}
        ) from None


def _reencoded(data: bytes) -> tuple[str, bytes]:
    with Image.open(io.BytesIO(data)) as image:
        if image.format not in IMAGE_FORMATS:
            raise ValueError(image.format)
        image.load()
        # Turned the way its EXIF says, then copied pixel by pixel into a new image: no
        # EXIF, XMP, ICC profile or text chunk follows.
        upright = ImageOps.exif_transpose(image)
        mode = "RGBA" if image.format != "JPEG" and "A" in upright.getbands() else "RGB"
        pixels = upright.convert(mode)
        clean = Image.new(mode, pixels.size)
        clean.paste(pixels)
        out = io.BytesIO()
        if image.format == "JPEG":
            clean.save(out, "JPEG", quality=85)
            return "image/jpeg", out.getvalue()
        clean.save(out, "PNG")
        return "image/png", out.getvalue()
