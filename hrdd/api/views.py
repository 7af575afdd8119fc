"""The owners' page of API keys: list, make (the secret shown once), revoke."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from hrdd.api import selectors, services
from hrdd.api.forms import TokenForm
from hrdd.api.models import Scope
from hrdd.core.forms import add_service_errors


@never_cache
@login_required
def token_list(request, organisation_id):
    organisation = selectors.get_buyer_for_owner(request.user, organisation_id)
    form = TokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, secret = services.token_create(
                organisation=organisation,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                days=form.cleaned_data["days"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            form = TokenForm()
    return render(
        request,
        "api/tokens.html",
        {
            "organisation": organisation,
            "tokens": selectors.tokens_for_organisation(organisation=organisation),
            "form": form,
            "secret": secret,
            "scopes": Scope.choices,
        },
        status=400 if request.method == "POST" and secret is None else 200,
    )


@require_POST
@login_required
def token_revoke(request, organisation_id, token_id):
    _organisation, token = selectors.get_token_for_owner(request.user, organisation_id, token_id)
    if services.token_revoke(token=token, by=request.user):
        messages.success(request, _("The key “%(name)s” is revoked.") % {"name": token.name})
    return redirect("api:tokens", organisation_id=organisation_id)
