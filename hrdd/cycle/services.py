"""Writes of the cycle app: a buyer's policy documents and statements, uploaded as PDFs."""

import hashlib

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from hrdd.cycle.models import PolicyDocument

MAX_BYTES = 10 * 1024 * 1024


def pdf_upload_content(upload) -> bytes:
    """The bytes of an uploaded PDF of at most MAX_BYTES, read in chunks so that a larger
    file is refused without being held in memory; else a ValidationError naming the file.
    Other apps that keep PDFs (hrdd.dialogue) use the same check."""
    if upload.size > MAX_BYTES:
        raise ValidationError(
            _("The file is %(size)s MB; the limit is %(limit)s MB.")
            % {"size": f"{upload.size / 1024 / 1024:.1f}", "limit": MAX_BYTES // 1024 // 1024}
        )
    content = b"".join(upload.chunks())
    if not content.startswith(b"%PDF-"):
        raise ValidationError(
            _("%(name)s is not a PDF. Save the document as a PDF and upload that.")
            % {"name": upload.name}
        )
    return content


def document_add(
    *, organisation, kind: str, title: str, adopted_on, upload, public_url: str = "", by=None
) -> PolicyDocument:
    """Keep one document the buyer adopted or published: a PDF of at most MAX_BYTES, read
    in chunks so that a larger file is refused without being held in memory."""
    errors = {}
    if adopted_on and adopted_on > timezone.localdate():
        errors["adopted_on"] = _("The date is in the future: give the day it was adopted.")
    content = b""
    try:
        content = pdf_upload_content(upload)
    except ValidationError as error:
        errors["upload"] = error.messages
    if errors:
        raise ValidationError(errors)
    document = PolicyDocument(
        organisation=organisation,
        kind=kind,
        title=" ".join(title.split()),
        adopted_on=adopted_on,
        public_url=public_url,
        filename=upload.name[-255:],
        content=content,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=by,
    )
    document.full_clean(exclude=["content"])
    document.save()
    return document


def document_delete(*, document: PolicyDocument) -> None:
    document.delete()
