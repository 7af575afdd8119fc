"""The owners' page of webhooks: register, list with the delivery log, turn on and off,
rotate the secret (shown once), delete, send a test event."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from hrdd.api.selectors import get_buyer_for_owner
from hrdd.core.forms import add_service_errors
from hrdd.webhooks import selectors, services
from hrdd.webhooks.forms import EndpointForm


def _page(request, organisation, form, *, secret=None, secret_for=None, status=200):
    return render(
        request,
        "webhooks/endpoints.html",
        {
            "organisation": organisation,
            "endpoints": selectors.endpoints_with_log(organisation=organisation),
            "form": form,
            "secret": secret,
            "secret_for": secret_for,
            "log_size": selectors.LOG_SIZE,
        },
        status=status,
    )


@never_cache
@login_required
def endpoint_list(request, organisation_id):
    organisation = get_buyer_for_owner(request.user, organisation_id)
    form = EndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint, secret = services.endpoint_create(
                organisation=organisation, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)  # the limit of endpoints: above the form
        else:
            return _page(request, organisation, EndpointForm(), secret=secret, secret_for=endpoint)
    return _page(request, organisation, form, status=400 if request.method == "POST" else 200)


@never_cache
@require_POST
@login_required
def endpoint_rotate(request, organisation_id, endpoint_id):
    organisation, endpoint = selectors.get_endpoint_for_owner(
        request.user, organisation_id, endpoint_id
    )
    secret = services.endpoint_rotate_secret(endpoint=endpoint, by=request.user)
    return _page(request, organisation, EndpointForm(), secret=secret, secret_for=endpoint)


def _switch(request, organisation_id, endpoint_id, service, message: str):
    """One of the endpoint's buttons: run `service` on it, say `message` (with its URL)."""
    _organisation, endpoint = selectors.get_endpoint_for_owner(
        request.user, organisation_id, endpoint_id
    )
    service(endpoint=endpoint, by=request.user)
    messages.success(request, message % {"url": endpoint.url})
    return redirect("webhooks:endpoints", organisation_id=organisation_id)


@require_POST
@login_required
def endpoint_enable(request, organisation_id, endpoint_id):
    return _switch(
        request,
        organisation_id,
        endpoint_id,
        services.endpoint_enable,
        _("The endpoint %(url)s is on."),
    )


@require_POST
@login_required
def endpoint_disable(request, organisation_id, endpoint_id):
    return _switch(
        request,
        organisation_id,
        endpoint_id,
        services.endpoint_disable,
        _("The endpoint %(url)s is off."),
    )


@require_POST
@login_required
def endpoint_delete(request, organisation_id, endpoint_id):
    return _switch(
        request,
        organisation_id,
        endpoint_id,
        services.endpoint_delete,
        _("The endpoint %(url)s is deleted."),
    )


@require_POST
@login_required
def endpoint_test(request, organisation_id, endpoint_id):
    _organisation, endpoint = selectors.get_endpoint_for_owner(
        request.user, organisation_id, endpoint_id
    )
    try:
        services.endpoint_test_send(endpoint=endpoint, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("A test event is on its way; its result appears in the log below.")
        )
    return redirect("webhooks:endpoints", organisation_id=organisation_id)
