"""A statement version as a DOCX (python-docx) or a PDF (WeasyPrint through
hrdd.reports.pdf.write_pdf, which refuses every URL), from render.present's sections, in
the language active when called (the view overrides it with the one asked for). Each
figure is followed by the address of its source page."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _

from hrdd.reports.pdf import write_pdf
from hrdd.statements import render
from hrdd.statements.models import StatementVersion


def _context(version: StatementVersion, base_url: str) -> dict:
    statement = version.statement
    sections = render.present(
        framework=statement.framework, figures=version.figures, texts=version.texts
    )
    for section in sections:
        for block in section["blocks"]:
            for entry in block["items"]:
                entry["source"] = base_url + entry["url"]
    return {
        "statement": statement,
        "version": version,
        "title": _("%(law)s: statement for %(year)s")
        % {"law": render.framework_name(statement.framework), "year": statement.year},
        "organisation": statement.organisation,
        "sections": sections,
    }


def filename(version: StatementVersion, extension: str, language: str) -> str:
    s = version.statement
    return f"statement-{s.framework}-{s.year}-v{version.number}-{language}.{extension}"


def render_docx(*, version: StatementVersion, base_url: str) -> bytes:
    from docx import Document

    context = _context(version, base_url)
    document = Document()
    document.core_properties.title = context["title"]
    document.core_properties.author = context["organisation"].name
    document.add_heading(context["title"], level=0)
    document.add_paragraph(context["organisation"].name)
    for section in context["sections"]:
        document.add_heading(section["title"], level=1)
        if section["text"]:
            for paragraph in section["text"].split("\n\n"):
                document.add_paragraph(paragraph.strip())
        if section["nothing_to_fill"] and not section["text"]:
            document.add_paragraph(section["nothing_to_fill"])
        for block in section["blocks"]:
            document.add_heading(block["title"], level=2)
            if block["missing"]:
                document.add_paragraph(block["missing"])
            for entry in block["items"]:
                paragraph = document.add_paragraph(style="List Bullet")
                paragraph.add_run(entry["text"])
                paragraph.add_run(" (" + _("source: %(url)s") % {"url": entry["source"]} + ")")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def render_pdf(*, version: StatementVersion, base_url: str) -> bytes:
    return write_pdf("statements/statement_pdf.html", _context(version, base_url))
