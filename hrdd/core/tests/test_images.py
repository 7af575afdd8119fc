"""Images re-encoded without their metadata (hrdd/core/images.py), read back."""

import io

import pytest
from PIL import Image, PngImagePlugin

from hrdd.core.images import strip_image_metadata

GPS = 0x8825


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (6, 4), (10, 200, 10))
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # Make
    exif[0x0112] = 6  # Orientation: rotated 90° clockwise
    exif[GPS] = {1: "N", 2: (21.0, 1.0, 30.0), 3: "E", 4: (105.0, 51.0, 0.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes(), comment=b"taken at the gate")
    return out.getvalue()


def test_a_photos_gps_position_and_camera_are_gone_and_it_stands_upright():
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS)
    media_type, clean = strip_image_metadata(original)
    stored = Image.open(io.BytesIO(clean))
    assert media_type == "image/jpeg" and stored.format == "JPEG"
    assert not stored.getexif() and not stored.getexif().get_ifd(GPS)
    assert b"SpyCam" not in clean and b"taken at the gate" not in clean
    assert "comment" not in stored.info and "exif" not in stored.info
    assert stored.size == (4, 6)  # turned the way its EXIF said


def test_a_pngs_text_chunks_are_gone():
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Nguyen Van A")
    info.add_text("GPS", "21.0285 N 105.8542 E")
    out = io.BytesIO()
    Image.new("RGBA", (3, 3), (0, 0, 255, 128)).save(out, format="PNG", pnginfo=info)
    media_type, clean = strip_image_metadata(out.getvalue())
    stored = Image.open(io.BytesIO(clean))
    assert media_type == "image/png" and stored.mode == "RGBA"
    assert b"Nguyen" not in clean and b"105.8542" not in clean and not stored.text


def test_what_is_not_an_accepted_image_is_refused():
    with pytest.raises(ValueError):
        strip_image_metadata(b"MZ\x90\x00" + b"\x00" * 60)
    gif = io.BytesIO()
    Image.new("RGB", (2, 2)).save(gif, format="GIF")
    with pytest.raises(ValueError):
        strip_image_metadata(gif.getvalue())
    big = io.BytesIO()
    Image.new("L", (100, 100)).save(big, format="PNG")
    with pytest.raises(ValueError):
        strip_image_metadata(big.getvalue(), max_pixels=9_999)
