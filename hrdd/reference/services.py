"""Loading reference data: every file is read, checked against its spec and written in one
transaction, or refused with messages that name the columns and rows at fault."""

import csv
import hashlib
import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_countries import countries

from hrdd.reference.models import Dataset, DatasetEdition, DatasetRow
from hrdd.reference.specs import (
    COUNTRY_NAME_OVERRIDES,
    DATA_DIR,
    NO_ISO_CODE,
    NUMBER,
    SHARE,
    SPECS,
    TEXT,
    YES_NO,
    Spec,
)

MAX_ERRORS = 50


@dataclass
class LoadResult:
    edition: DatasetEdition
    created: bool


def _normal(header: str) -> str:
    return " ".join(str(header or "").replace("_", " ").strip().lower().split())


def _read_table(content: bytes, filename: str) -> list[list[str]]:
    """The file's rows as lists of strings, header first (CSV in UTF-8, or the first sheet of
    an XLSX workbook)."""
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook  # noqa: PLC0415 - only the XLSX path needs it

        try:
            sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
        except Exception as error:  # openpyxl raises many kinds for a broken file
            raise ValidationError(_("This is not a readable XLSX file.")) from error
        rows = []
        for row in sheet.iter_rows(values_only=True):
            cells = ["" if v is None else str(v).strip() for v in row]
            if any(cells):
                rows.append(cells)
        return rows
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(_("The file is not UTF-8 text (CSV) or an XLSX workbook.")) from error
    return [row for row in csv.reader(io.StringIO(text)) if any(c.strip() for c in row)]


def _header_map(spec: Spec, header: list[str]) -> dict[int, str]:
    """Position → canonical column name; refuses missing required and unknown columns."""
    by_alias = {}
    for column in spec.columns:
        for alias in (column.name, *column.aliases):
            by_alias[_normal(alias)] = column.name
    ignored = {_normal(name) for name in spec.ignored}
    mapping, unknown = {}, []
    for position, title in enumerate(header):
        key = _normal(title)
        if not key or key in ignored:
            continue
        if key in by_alias:
            mapping[position] = by_alias[key]
        else:
            unknown.append(title)
    found = set(mapping.values())
    missing = [c.name for c in spec.columns if c.required and c.name not in found]
    if missing or unknown:
        messages = []
        if missing:
            messages.append(
                _("The header lacks the required column(s): %(columns)s.")
                % {"columns": ", ".join(missing)}
            )
        if unknown:
            messages.append(
                _("The header has column(s) this dataset does not know: %(columns)s.")
                % {"columns": ", ".join(unknown)}
            )
        raise ValidationError(messages)
    return mapping


def country_code(name: str) -> str | None:
    """ISO alpha-2 for a published country name, '' for a place with no ISO code, or None."""
    key = " ".join(name.strip().lower().split())
    if key in NO_ISO_CODE:
        return ""
    if key in COUNTRY_NAME_OVERRIDES:
        return COUNTRY_NAME_OVERRIDES[key]
    code = countries.by_name(name.strip())
    return code or None


def _clean_row(spec: Spec, values: dict[str, str], number: int, errors: list[str]) -> str:
    """Normalises `values` in place and returns the row's country code."""
    for name, value in list(values.items()):
        column = spec.column(name)
        if column.required and not value and column.kind == TEXT:
            errors.append(
                _("Row %(row)s: the column %(column)s is empty.") % {"row": number, "column": name}
            )
        elif column.kind == YES_NO and value:
            lowered = value.strip().lower()
            if lowered in {"yes", "x", "y", "true", "1"}:
                values[name] = "yes"
            elif lowered in {"no", "n", "false", "0", "-"}:
                values[name] = "no"
            else:
                errors.append(
                    _("Row %(row)s: %(column)s must be yes or no, not “%(value)s”.")
                    % {"row": number, "column": name, "value": value}
                )
        elif column.kind == YES_NO:
            values[name] = "no"  # the DOL XLSX marks a listed exploitation with X, else blank
        elif column.kind in (NUMBER, SHARE) and value:
            try:
                figure = float(value)
            except ValueError:
                errors.append(
                    _("Row %(row)s: %(column)s must be a number, not “%(value)s”.")
                    % {"row": number, "column": name, "value": value}
                )
                continue
            if column.kind == SHARE and not 0 <= figure <= 1:
                errors.append(
                    _("Row %(row)s: %(column)s must be a share between 0 and 1, not %(value)s.")
                    % {"row": number, "column": name, "value": value}
                )
    if not spec.country_column:
        return ""
    code = (values.get(spec.country_column) or "").strip().upper()
    name = values.get("country") or values.get("country_as_published") or ""
    if code:
        if code not in dict(countries):
            errors.append(
                _("Row %(row)s: unknown country code “%(code)s”.") % {"row": number, "code": code}
            )
        return code
    found = country_code(name)
    if found is None:
        errors.append(_("Row %(row)s: unknown country “%(name)s”.") % {"row": number, "name": name})
        return ""
    values[spec.country_column] = found
    return found


def _fill_values(spec: Spec, columns: set[str]) -> dict[str, str] | None:
    """Key → value from the current edition, when the file lacks a column the spec can fill."""
    if spec.fill_from_current is None or spec.fill_from_current[0] in columns:
        return None
    column, key = spec.fill_from_current
    known = {}
    for values in DatasetRow.objects.filter(
        edition__dataset__code=spec.code, edition__is_current=True
    ).values_list("values", flat=True):
        if values.get(key) and values.get(column):
            known[values[key].strip().lower()] = values[column]
    return known


def _fill_row(spec: Spec, known: dict[str, str], values: dict, number: int, errors: list) -> bool:
    column, key = spec.fill_from_current
    value = known.get(values.get(key, "").strip().lower())
    if value is None:
        errors.append(
            _(
                "Row %(row)s: no %(column)s is known for “%(value)s”; add a %(column)s column "
                "to the file."
            )
            % {"row": number, "column": column, "value": values.get(key, "")}
        )
    values[column] = value or ""
    return value is not None


def _check_choices(spec: Spec, values: dict, number: int, errors: list) -> None:
    for column, accepted in spec.choices.items():
        if column not in values:
            continue
        by_key = {choice.lower(): choice for choice in accepted}
        value = values[column].strip()
        if value.lower() in by_key:
            values[column] = by_key[value.lower()]
        elif not value:
            errors.append(
                _("Row %(row)s: the column %(column)s is empty.")
                % {"row": number, "column": column}
            )
        else:
            errors.append(
                _("Row %(row)s: unknown %(column)s “%(value)s” (expected one of: %(expected)s).")
                % {
                    "row": number,
                    "column": column,
                    "value": value,
                    "expected": ", ".join(accepted),
                }
            )


def parse(spec: Spec, content: bytes, filename: str) -> list[tuple[int, str, dict]]:
    """(row number, country code, values) for every data row, or ValidationError with every
    problem found (header first, then up to MAX_ERRORS rows)."""
    table = _read_table(content, filename)
    if not table:
        raise ValidationError(_("The file is empty."))
    mapping = _header_map(spec, table[0])
    fill = _fill_values(spec, set(mapping.values()))
    rows, errors = [], []
    for number, cells in enumerate(table[1:], start=2):
        values = dict.fromkeys(mapping.values(), "")
        for position, name in mapping.items():
            values[name] = cells[position].strip() if position < len(cells) else ""
        if fill is None or _fill_row(spec, fill, values, number, errors):
            _check_choices(spec, values, number, errors)
        country = _clean_row(spec, values, number, errors)
        rows.append((number, country, values))
        if len(errors) >= MAX_ERRORS:
            break
    if errors:
        raise ValidationError(errors)
    if not rows:
        raise ValidationError(_("The file has a header but no rows."))
    return rows


def dataset_for(code: str) -> tuple[Spec, Dataset]:
    spec = SPECS.get(code)
    if spec is None:
        raise ValidationError(
            _("Unknown dataset “%(code)s”. Known: %(known)s.")
            % {"code": code, "known": ", ".join(sorted(SPECS))}
        )
    dataset, _created = Dataset.objects.get_or_create(code=code, defaults={"name": str(spec.name)})
    return spec, dataset


@transaction.atomic
def edition_load(
    *,
    dataset_code: str,
    content: bytes,
    filename: str,
    edition: str,
    source: str,
    licence: str,
    source_url: str = "",
    notes: str = "",
    by=None,
    make_current: bool = True,
) -> LoadResult:
    """Load one file as an edition of a dataset, all or nothing. Loading the same bytes again
    is a no-op (idempotent by SHA-256); a different file under an existing edition label is
    refused (an edition never changes)."""
    spec, dataset = dataset_for(dataset_code)
    if not edition.strip() or not source.strip() or not licence.strip():
        raise ValidationError(_("An edition needs its label, its source and its licence."))
    sha256 = hashlib.sha256(content).hexdigest()
    existing = DatasetEdition.objects.filter(dataset=dataset, edition=edition).first()
    if existing is not None:
        if existing.sha256 == sha256:
            return LoadResult(existing, created=False)
        raise ValidationError(
            _(
                "The edition “%(edition)s” of %(dataset)s is already loaded from another file; "
                "give the new file its own edition label."
            )
            % {"edition": edition, "dataset": dataset.name}
        )
    rows = parse(spec, content, filename)
    loaded = DatasetEdition.objects.create(
        dataset=dataset,
        edition=edition.strip(),
        source=source.strip(),
        source_url=source_url.strip(),
        licence=licence.strip(),
        notes=notes.strip(),
        sha256=sha256,
        row_count=len(rows),
        loaded_by=by,
    )
    DatasetRow.objects.bulk_create(
        [
            DatasetRow(edition=loaded, number=number, country_iso2=country, values=values)
            for number, country, values in rows
        ],
        batch_size=1000,
    )
    if make_current:
        edition_make_current(edition=loaded)
    return LoadResult(loaded, created=True)


@transaction.atomic
def edition_make_current(*, edition: DatasetEdition) -> DatasetEdition:
    """Make `edition` the one new assessments use. Stored assessments keep theirs."""
    DatasetEdition.objects.filter(dataset=edition.dataset, is_current=True).exclude(
        pk=edition.pk
    ).update(is_current=False)
    DatasetEdition.objects.filter(pk=edition.pk).update(is_current=True)
    edition.is_current = True
    return edition


def shipped_load_all(*, by=None) -> list[LoadResult]:
    """Load every file shipped in hrdd/reference/data/ (a no-op for those already loaded).
    A shipped edition becomes current only when its dataset has no current edition yet, so
    a newer edition the operator loaded stays current."""
    results = []
    for spec in SPECS.values():
        content = (DATA_DIR / spec.shipped_file).read_bytes()
        has_current = DatasetEdition.objects.filter(
            dataset__code=spec.code, is_current=True
        ).exists()
        results.append(
            edition_load(
                dataset_code=spec.code,
                content=content,
                filename=spec.shipped_file,
                edition=spec.shipped_edition,
                source=spec.source,
                source_url=spec.source_url,
                licence=spec.licence,
                notes=spec.notes,
                by=by,
                make_current=not has_current,
            )
        )
    return results
