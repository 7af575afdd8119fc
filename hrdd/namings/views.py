"""A supplier names its own suppliers through a personal link (no account; GET changes
nothing), and the buyer asks for it, reviews what was named and adds it to its list."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from hrdd.core.access import get_buyer_for_member
from hrdd.core.supplier_language import supplier_language_activate, supplier_language_remember
from hrdd.namings import selectors, services
from hrdd.namings.forms import NamedSupplierForm, ReviewForm
from hrdd.namings.models import SupplierNamingRequest
from hrdd.suppliers.selectors import get_supplier_for_member

# Empty rows on a fresh page, and how many "Add more rows" adds.
FIRST_ROWS = 5
MORE_ROWS = 5

# --- The supplier's page ---------------------------------------------------------------------


def _row_count(request) -> int:
    try:
        count = int(request.POST.get("rows", FIRST_ROWS))
    except ValueError:
        count = FIRST_ROWS
    return max(1, min(count, SupplierNamingRequest.MAX_ROWS))


def _unbound(raw_rows: list[dict]) -> list[NamedSupplierForm]:
    return [
        NamedSupplierForm(initial=raw, number=number)
        for number, raw in enumerate(raw_rows, start=1)
    ]


def _row_errors(forms) -> list[dict]:
    """Every problem, naming its row and field, for the summary above the rows."""
    problems = []
    for form in forms:
        for name, errors in form.errors.items():
            field = form[name] if name in form.fields else None
            problems.append(
                {
                    "row": form.number,
                    "label": field.label if field else "",
                    "anchor": f"field-{field.html_name}" if field else f"row-{form.number}",
                    "message": " ".join(errors),
                }
            )
    return problems


@never_cache
def answer(request, token):
    naming = selectors.naming_for_token(token=token)
    if naming is None:
        return render(request, "namings/invalid.html", status=404)
    chosen = supplier_language_activate(request, naming.language)
    return supplier_language_remember(_answer(request, naming), chosen)


def _answer(request, naming):
    context = {
        "naming": naming,
        "buyer": naming.organisation.name,
        "switch_languages": list(dict.fromkeys([*settings.UI_LANGUAGES, naming.language])),
    }
    if not naming.is_open:
        status = 200 if naming.submitted_at else 410
        return render(request, "namings/answer_closed.html", context, status=status)
    status = 200
    problems: list[dict] = []
    if request.method == "POST":
        count = _row_count(request)
        bound = [NamedSupplierForm(request.POST, number=n) for n in range(1, count + 1)]
        action = request.POST.get("action", "")
        if action == "send":
            for form in bound:  # every row, for every message
                form.is_valid()
            _mark_duplicates(bound)
            if not any(form.errors for form in bound):
                rows = [form.row() for form in bound if form.has_changed()]
                if rows:
                    services.naming_request_submit(naming=naming, rows=rows)
                    return redirect("namings:answer", token=request.resolver_match.kwargs["token"])
                problems.append(
                    {
                        "row": 0,
                        "label": "",
                        "anchor": "row-1",
                        "message": _(
                            "Enter at least one supplier, or close this page if you have none "
                            "to name."
                        ),
                    }
                )
            forms = bound
            problems = _row_errors(bound) + problems
            status = 422
        else:
            raw_rows = [form.raw() for form in bound]
            if action == "more":
                raw_rows += [{}] * MORE_ROWS
            elif action.startswith("remove-"):
                try:
                    index = int(action.removeprefix("remove-")) - 1
                except ValueError:
                    index = -1
                if 0 <= index < len(raw_rows) and len(raw_rows) > 1:
                    del raw_rows[index]
            forms = _unbound(raw_rows[: SupplierNamingRequest.MAX_ROWS])
    else:
        forms = _unbound([{}] * FIRST_ROWS)
    return render(
        request,
        "namings/answer.html",
        {
            **context,
            "forms": forms,
            "row_count": len(forms),
            "problems": problems,
            "can_add_rows": len(forms) < SupplierNamingRequest.MAX_ROWS,
            "max_rows": SupplierNamingRequest.MAX_ROWS,
        },
        status=status,
    )


def _mark_duplicates(forms) -> None:
    """An error on a row with the same e-mail address as an earlier row."""
    seen: dict[str, int] = {}
    for form in forms:
        if not form.has_changed():
            continue
        email = form.cleaned_data.get("email", "").strip().lower()
        if email in seen:
            form.add_error(
                "email",
                _("The same e-mail address is already on row %(row)s.") % {"row": seen[email]},
            )
        elif email:
            seen[email] = form.number


# --- The buyer's pages -----------------------------------------------------------------------


@require_POST
@login_required
def ask(request, organisation_id, supplier_id):
    """Send the supplier a personal link to name its own suppliers."""
    organisation, supplier = get_supplier_for_member(
        request.user, organisation_id, supplier_id, write=True
    )
    services.naming_request_send(supplier=supplier, by=request.user)
    messages.success(
        request,
        _(
            "%(name)s was sent a personal link to name its own suppliers, at %(email)s. "
            "What it names will wait here for your review."
        )
        % {"name": supplier.name, "email": supplier.email},
    )
    return redirect("suppliers:detail", organisation.pk, supplier.pk)


@login_required
def naming_list(request, organisation_id):
    organisation = get_buyer_for_member(request.user, organisation_id)
    page = Paginator(selectors.namings_for_buyer(organisation=organisation), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "namings/list.html",
        {"organisation": organisation, "page": page},
    )


@login_required
def review(request, organisation_id, naming_id):
    """GET: what the supplier named, matched with the list; POST: add the ticked ones."""
    organisation, naming = selectors.get_naming_for_member(
        request.user, organisation_id, naming_id, write=request.method == "POST"
    )
    rows = selectors.named_rows(naming=naming)
    reviewable = naming.status == SupplierNamingRequest.Status.TO_REVIEW
    form = ReviewForm(request.POST if request.method == "POST" else None, rows=rows)
    if request.method == "POST" and reviewable and form.is_valid():
        try:
            outcome = services.naming_request_accept(
                naming=naming,
                by=request.user,
                chosen=form.cleaned_data["chosen"],
                emails=form.emails(),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if outcome.already_done:
                messages.info(request, _("This list was already added or dismissed."))
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(count)s new supplier was added to your list.",
                        "%(count)s new suppliers were added to your list.",
                        outcome.added,
                    )
                    % {"count": outcome.added},
                )
                messages.success(
                    request,
                    ngettext(
                        "%(count)s supplier is now linked as a supplier of %(name)s, one tier "
                        "below it.",
                        "%(count)s suppliers are now linked as suppliers of %(name)s, one tier "
                        "below it.",
                        outcome.linked,
                    )
                    % {"count": outcome.linked, "name": naming.supplier.name},
                )
            return redirect("namings:review", organisation.pk, naming.pk)
    return render(
        request,
        "namings/review.html",
        {
            "organisation": organisation,
            "naming": naming,
            "can_edit": organisation.membership.can_edit and reviewable,
            "form": form,
            "rows": [
                {
                    "row": row,
                    "add": form[f"add_{row.number}"]
                    if f"add_{row.number}" in form.fields
                    else None,
                    "email": form[f"email_{row.number}"]
                    if f"email_{row.number}" in form.fields
                    else None,
                }
                for row in rows
            ],
        },
        status=422 if form.errors else 200,
    )


@require_POST
@login_required
def dismiss(request, organisation_id, naming_id):
    organisation, naming = selectors.get_naming_for_member(
        request.user, organisation_id, naming_id, write=True
    )
    if services.naming_request_dismiss(naming=naming, by=request.user):
        messages.info(request, _("Closed: nothing was added to your list."))
    return redirect("namings:review", organisation.pk, naming.pk)
