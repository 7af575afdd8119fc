"""Images re-encoded from their pixels only, so that none of their metadata is kept: no
EXIF (GPS position, camera serial number, time), XMP, ICC profile, comment or text chunk.
For any app that stores an uploaded photo (remediation evidence; grievance attachments do
the same in hrdd/grievances/attachments.py)."""

from __future__ import annotations

import io

from PIL import Image, ImageOps, UnidentifiedImageError

MEDIA_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
# Images of more pixels than this are refused before their pixels are decoded.
MAX_PIXELS = 40_000_000


def strip_image_metadata(
    data: bytes, *, formats: tuple[str, ...] = ("JPEG", "PNG"), max_pixels: int = MAX_PIXELS
) -> tuple[str, bytes]:
    """(media type, bytes) of the image in `data` turned upright (as its EXIF says) and
    encoded again from its pixels: JPEG stays JPEG, anything else becomes PNG. ValueError
    if it is not an image of one of `formats`, cannot be read, or is larger than
    `max_pixels`."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in formats:
                raise ValueError(f"not an accepted image format: {image.format}")
            if image.width * image.height > max_pixels:
                raise ValueError("too many pixels")
            image.load()
            upright = ImageOps.exif_transpose(image)
            keep_alpha = image.format != "JPEG" and "A" in upright.getbands()
            mode = "RGBA" if keep_alpha else ("L" if upright.mode in {"L", "1"} else "RGB")
            pixels = upright.convert(mode)
            clean = Image.new(mode, pixels.size)
            clean.paste(pixels)
            out = io.BytesIO()
            if image.format == "JPEG":
                clean.save(out, "JPEG", quality=90)
                return MEDIA_TYPES["JPEG"], out.getvalue()
            clean.save(out, "PNG")
            return MEDIA_TYPES["PNG"], out.getvalue()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise ValueError("unreadable image") from exc
