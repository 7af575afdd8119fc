"""Operator screens: the loaded reference data with its provenance, and loading an edition."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from hrdd.core.access import operator_required
from hrdd.reference import selectors
from hrdd.reference.forms import EditionUploadForm
from hrdd.reference.services import edition_load

MAX_UPLOAD = 20 * 1024 * 1024


@operator_required
def index(request):
    return render(request, "reference/index.html", {"editions": selectors.editions()})


@operator_required
def upload(request):
    form = EditionUploadForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            errors = [_("The file is larger than 20 MB.")]
        else:
            try:
                result = edition_load(
                    dataset_code=form.cleaned_data["dataset"],
                    content=upload.read(),
                    filename=upload.name,
                    edition=form.cleaned_data["edition"],
                    source=form.cleaned_data["source"],
                    source_url=form.cleaned_data["source_url"],
                    licence=form.cleaned_data["licence"],
                    notes=form.cleaned_data["notes"],
                    by=request.user,
                )
            except ValidationError as error:
                errors = error.messages
            else:
                messages.success(
                    request,
                    _("Loaded %(rows)s rows as edition %(edition)s; it is now current.")
                    % {"rows": result.edition.row_count, "edition": result.edition.edition},
                )
                return redirect("reference:index")
    return render(request, "reference/upload.html", {"form": form, "errors": errors})
