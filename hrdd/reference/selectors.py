"""Reads of reference data shared by the risk app, the pages and the commands."""

from django.db.models import QuerySet

from hrdd.reference.models import DatasetEdition, DatasetRow


def editions() -> QuerySet[DatasetEdition]:
    """Every edition of every dataset, newest first within a dataset."""
    return DatasetEdition.objects.select_related("dataset", "loaded_by").order_by(
        "dataset__code", "-loaded_at"
    )


def current_edition(code: str) -> DatasetEdition | None:
    """The edition new assessments use for the dataset `code`, or None if none is loaded."""
    return (
        DatasetEdition.objects.select_related("dataset")
        .filter(dataset__code=code, is_current=True)
        .first()
    )


def current_editions() -> dict[str, DatasetEdition]:
    """Dataset code → its current edition."""
    return {
        e.dataset.code: e
        for e in DatasetEdition.objects.select_related("dataset").filter(is_current=True)
    }


def editions_by_id(ids) -> dict[int, DatasetEdition]:
    return {e.pk: e for e in DatasetEdition.objects.select_related("dataset").filter(pk__in=ids)}


def edition_rows(edition: DatasetEdition | int) -> list[dict]:
    """The rows of an edition as dicts of values (country code under `country_iso2`)."""
    edition_id = edition if isinstance(edition, int) else edition.pk
    return [
        {**values, "country_iso2": country, "_row": number}
        for number, country, values in DatasetRow.objects.filter(edition_id=edition_id)
        .order_by("number")
        .values_list("number", "country_iso2", "values")
    ]
