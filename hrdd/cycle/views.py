"""The due-diligence cycle page of a buyer and its documents."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hrdd.core.access import get_buyer_for_member
from hrdd.core.forms import add_service_errors
from hrdd.cycle import selectors
from hrdd.cycle.forms import DocumentForm
from hrdd.cycle.services import document_add, document_delete


@login_required
def cycle(request, organisation_id):
    organisation = get_buyer_for_member(request.user, organisation_id)
    documents = selectors.documents(organisation=organisation)
    return render(
        request,
        "cycle/cycle.html",
        {
            "organisation": organisation,
            "steps": selectors.cycle(organisation=organisation, docs=documents),
            "documents": documents,
            "source": selectors.source_edition(),
            "can_edit": organisation.membership.can_edit,
        },
    )


@login_required
def document_new(request, organisation_id):
    organisation = get_buyer_for_member(request.user, organisation_id, write=True)
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            document_add(organisation=organisation, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The document was added."))
            return redirect("cycle:cycle", organisation.pk)
    return render(
        request,
        "cycle/document_form.html",
        {"organisation": organisation, "form": form},
        status=422 if form.errors else 200,
    )


@login_required
def document_file(request, organisation_id, document_id):
    organisation = get_buyer_for_member(request.user, organisation_id)
    document = selectors.get_document(organisation=organisation, document_id=document_id)
    if document is None:
        raise Http404
    response = HttpResponse(bytes(document.content), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="document-{document.pk}.pdf"'
    return response


@require_POST
@login_required
def document_remove(request, organisation_id, document_id):
    organisation = get_buyer_for_member(request.user, organisation_id, write=True)
    document = selectors.get_document(organisation=organisation, document_id=document_id)
    if document is None:
        raise Http404
    document_delete(document=document)
    messages.success(request, _("The document was removed."))
    return redirect("cycle:cycle", organisation.pk)
