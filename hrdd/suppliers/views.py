"""The buyer's supplier list: read by every member, changed by owners and administrators,
filled by hand or from a CSV/XLSX file checked and previewed before anything is imported."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_countries import countries

from hrdd.core.access import get_buyer_for_member, operator_required
from hrdd.namings.selectors import namings_for_supplier
from hrdd.organisations.models import Industry, Membership
from hrdd.risk import selectors as risk
from hrdd.suppliers import imports, selectors
from hrdd.suppliers.forms import (
    SiteForm,
    SupplierFileForm,
    SupplierForm,
    SupplierLinkForm,
    SupplierListFilterForm,
)
from hrdd.suppliers.maps import supply_map_svg
from hrdd.suppliers.models import SizeBand, SupplierImport
from hrdd.suppliers.services import (
    site_create,
    site_delete,
    supplier_create,
    supplier_delete,
    supplier_import_cancel,
    supplier_import_confirm,
    supplier_import_preview,
    supplier_link_add,
    supplier_link_delete,
    supplier_update,
)


def _csv(content: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def supplier_list(request, organisation_id):
    organisation = get_buyer_for_member(request.user, organisation_id)
    can_edit = organisation.membership.can_edit
    search = SupplierListFilterForm(request.GET)
    valid = search.is_valid()
    query = search.cleaned_data["q"] if valid else ""
    tier = search.cleaned_data["tier"] if valid else None
    suppliers = selectors.suppliers_for_list(organisation=organisation, query=query, tier=tier)
    page = Paginator(suppliers, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    names = selectors.language_names()
    rows = list(page.object_list)
    for supplier in rows:
        supplier.language_name = names.get(supplier.language, supplier.language)
    return render(
        request,
        "suppliers/list.html",
        {
            "organisation": organisation,
            "can_edit": can_edit,
            "is_owner": organisation.membership.role == Membership.Role.OWNER,
            "search": search,
            "query": query,
            "tier": tier,
            "page": page,
            "suppliers": rows,
            "pending": list(selectors.pending_imports(organisation=organisation))
            if can_edit
            else [],
        },
    )


@login_required
def supplier_add(request, organisation_id):
    organisation = get_buyer_for_member(request.user, organisation_id, write=True)
    form = SupplierForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            supplier = supplier_create(organisation=organisation, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("%(name)s was added to your list.") % {"name": supplier.name}
            )
            return redirect("suppliers:list", organisation_id=organisation.pk)
    return render(
        request,
        "suppliers/form.html",
        {"organisation": organisation, "form": form, "supplier": None},
        status=422 if form.errors else 200,
    )


@login_required
def supplier_edit(request, organisation_id, supplier_id):
    organisation, supplier = selectors.get_supplier_for_member(
        request.user, organisation_id, supplier_id, write=True
    )
    name = supplier.name
    form = SupplierForm(request.POST or None, instance=supplier)
    if request.method == "POST" and form.is_valid():
        try:
            supplier_update(supplier=supplier, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect(
                "suppliers:detail", organisation_id=organisation.pk, supplier_id=supplier.pk
            )
    return render(
        request,
        "suppliers/form.html",
        {"organisation": organisation, "form": form, "supplier": supplier, "name": name},
        status=422 if form.errors else 200,
    )


def _detail(request, organisation, supplier, *, site_form=None, link_form=None, status=200):
    return render(
        request,
        "suppliers/detail.html",
        {
            "organisation": organisation,
            "supplier": supplier,
            "can_edit": organisation.membership.can_edit,
            "site_form": site_form or SiteForm(),
            "link_form": link_form or SupplierLinkForm(supplier=supplier),
            "naming_requests": namings_for_supplier(supplier=supplier),
            **selectors.supplier_context(supplier=supplier),
            "bans": risk.supplier_exposure(supplier, risk.latest_assessment()),
        },
        status=status,
    )


@login_required
def supplier_detail(request, organisation_id, supplier_id):
    """A supplier in context: its details, sites, its suppliers and its customers."""
    organisation, supplier = selectors.get_supplier_for_member(
        request.user, organisation_id, supplier_id
    )
    return _detail(request, organisation, supplier)


@require_POST
@login_required
def site_add(request, organisation_id, supplier_id):
    organisation, supplier = selectors.get_supplier_for_member(
        request.user, organisation_id, supplier_id, write=True
    )
    form = SiteForm(request.POST)
    if form.is_valid():
        try:
            site_create(supplier=supplier, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The site was added."))
            return redirect("suppliers:detail", organisation.pk, supplier.pk)
    return _detail(request, organisation, supplier, site_form=form, status=422)


@require_POST
@login_required
def site_remove(request, organisation_id, supplier_id, site_id):
    organisation, supplier, site = selectors.get_site_for_member(
        request.user, organisation_id, supplier_id, site_id
    )
    site_delete(site=site)
    messages.success(request, _("The site was removed."))
    return redirect("suppliers:detail", organisation.pk, supplier.pk)


@require_POST
@login_required
def link_add(request, organisation_id, supplier_id):
    """Link this supplier to another of the list, in either direction."""
    organisation, supplier = selectors.get_supplier_for_member(
        request.user, organisation_id, supplier_id, write=True
    )
    form = SupplierLinkForm(request.POST, supplier=supplier)
    if form.is_valid():
        other = form.cleaned_data["other"]
        ends = (
            (other, supplier)
            if form.cleaned_data["direction"] == "supplier"
            else (
                supplier,
                other,
            )
        )
        try:
            supplier_link_add(supplier=ends[0], customer=ends[1], by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Saved: %(supplier)s supplies %(customer)s.")
                % {"supplier": ends[0].name, "customer": ends[1].name},
            )
            return redirect("suppliers:detail", organisation.pk, supplier.pk)
    return _detail(request, organisation, supplier, link_form=form, status=422)


@require_POST
@login_required
def link_remove(request, organisation_id, supplier_id, link_id):
    organisation, supplier, link = selectors.get_link_for_member(
        request.user, organisation_id, supplier_id, link_id
    )
    supplier_link_delete(link=link, by=request.user)
    messages.success(request, _("The link was removed."))
    return redirect("suppliers:detail", organisation.pk, supplier.pk)


@login_required
def supply_map(request, organisation_id):
    """The buyer's supply chain by tier: a drawing (limited in size) and the full table."""
    organisation = get_buyer_for_member(request.user, organisation_id)
    levels = risk.supplier_levels(organisation=organisation)
    drawing = selectors.supply_map(organisation=organisation, first=levels)
    page = Paginator(
        selectors.supply_map_table(organisation=organisation), selectors.MAP_TABLE_PAGE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "suppliers/map.html",
        {
            "organisation": organisation,
            "svg": supply_map_svg(
                drawing,
                title=_("Supply chain of %(buyer)s by tier") % {"buyer": organisation.name},
                tier_label=_("Tier %(tier)s"),
                levels=levels or None,
                level_labels={
                    **{k: str(v) for k, v in risk.LEVEL_LABELS.items()},
                    "": _("not ranked yet"),
                },
            ),
            "ranked": bool(levels),
            "legend": [
                (risk.LEVEL_LABELS[level], f"risk-{level}") for level in ("high", "medium", "low")
            ],
            "drawing": drawing,
            "hidden": sum(drawing.hidden.values()),
            "per_tier": selectors.MAP_PER_TIER,
            "page": page,
        },
    )


@login_required
def supplier_remove(request, organisation_id, supplier_id):
    """GET asks for confirmation; POST removes."""
    organisation, supplier = selectors.get_supplier_for_member(
        request.user, organisation_id, supplier_id, write=True
    )
    if request.method == "POST":
        supplier_delete(supplier=supplier, by=request.user)
        messages.success(
            request, _("%(name)s was removed from your list.") % {"name": supplier.name}
        )
        return redirect("suppliers:list", organisation_id=organisation.pk)
    return render(
        request, "suppliers/delete.html", {"organisation": organisation, "supplier": supplier}
    )


@login_required
def import_upload(request, organisation_id):
    organisation = get_buyer_for_member(request.user, organisation_id, write=True)
    form = SupplierFileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            supplier_import = supplier_import_preview(
                organisation=organisation,
                filename=upload.name,
                content=upload.read(),
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            return redirect(
                "suppliers:import_preview",
                organisation_id=organisation.pk,
                import_id=supplier_import.pk,
            )
    return render(
        request,
        "suppliers/import.html",
        {
            "organisation": organisation,
            "form": form,
            "language_codes": ", ".join(code for code, _name in settings.LANGUAGES),
        },
        status=422 if form.errors else 200,
    )


@login_required
def import_preview(request, organisation_id, import_id):
    organisation, supplier_import = selectors.get_import_for_member(
        request.user, organisation_id, import_id
    )
    summary = selectors.import_summary(supplier_import)
    names = selectors.language_names()
    industries, sizes = dict(Industry.choices), dict(SizeBand.choices)
    sample = [
        dict(
            row,
            country=countries.name(row["country"]),
            industry=industries.get(row["industry"], ""),
            size_band=sizes.get(row["size_band"], ""),
            language_name=names.get(row["language"], row["language"]),
        )
        for row in supplier_import.rows[: selectors.PREVIEW_ROWS]
    ]
    row_problems = [p for p in supplier_import.problems if p["field"]]
    return render(
        request,
        "suppliers/import_preview.html",
        {
            "organisation": organisation,
            "import": supplier_import,
            "waiting": supplier_import.status == SupplierImport.Status.PREVIEW
            and not supplier_import.is_expired,
            "summary": summary,
            "problems": row_problems[: selectors.PREVIEW_PROBLEMS],
            "more_problems": max(0, len(row_problems) - selectors.PREVIEW_PROBLEMS),
            "sample": sample,
            "upload_url": reverse("suppliers:import", args=[organisation.pk]),
        },
    )


@require_POST
@login_required
def import_confirm(request, organisation_id, import_id):
    organisation, supplier_import = selectors.get_import_for_member(
        request.user, organisation_id, import_id, with_rows=False
    )
    try:
        outcome = supplier_import_confirm(supplier_import=supplier_import)
    except ValidationError as exc:
        # Links added to the list since the check would close a loop: nothing was imported.
        messages.error(request, " ".join(exc.messages))
        return redirect(
            "suppliers:import_preview", organisation_id=organisation.pk, import_id=import_id
        )
    if outcome.expired:
        messages.error(
            request,
            _(
                "This check is more than %(days)s days old: nothing was imported. Upload the "
                "file again to see what it would add to your list today."
            )
            % {"days": SupplierImport.PREVIEW_DAYS},
        )
        return redirect("suppliers:import", organisation_id=organisation.pk)
    if outcome.already_done:
        messages.info(request, _("This file was already imported or cancelled."))
        return redirect(
            "suppliers:import_preview", organisation_id=organisation.pk, import_id=import_id
        )
    messages.success(
        request,
        ngettext(
            "%(count)s supplier was added to your list.",
            "%(count)s suppliers were added to your list.",
            outcome.imported,
        )
        % {"count": f"{outcome.imported:,}"},
    )
    if outcome.skipped:
        messages.warning(
            request,
            ngettext(
                "%(count)s row was skipped: its e-mail address reached your list after the check.",
                "%(count)s rows were skipped: their e-mail addresses reached your list after "
                "the check.",
                outcome.skipped,
            )
            % {"count": f"{outcome.skipped:,}"},
        )
    return redirect("suppliers:list", organisation_id=organisation.pk)


@require_POST
@login_required
def import_cancel(request, organisation_id, import_id):
    organisation, supplier_import = selectors.get_import_for_member(
        request.user, organisation_id, import_id, with_rows=False
    )
    if supplier_import_cancel(supplier_import=supplier_import):
        messages.info(request, _("The import was cancelled. Nothing was added to your list."))
    return redirect("suppliers:list", organisation_id=organisation.pk)


@login_required
def import_problems_csv(request, organisation_id, import_id):
    _organisation, supplier_import = selectors.get_import_for_member(
        request.user, organisation_id, import_id, with_rows=False
    )
    return _csv(imports.problems_csv(supplier_import.problems), f"problems-{import_id}.csv")


@login_required
def import_template_csv(request):
    return _csv(imports.template_csv(), "suppliers-template.csv")


def _changes_page(request, changes):
    return Paginator(changes, 100).get_page(request.GET.get("page"))


@login_required
def supplier_change_log(request, organisation_id):
    """Every change to the buyer's supplier list (addresses, attributes, removals): for the
    buyer's owner, as the access audit log is."""
    organisation = get_buyer_for_member(request.user, organisation_id)
    if organisation.membership.role != Membership.Role.OWNER:
        raise PermissionDenied
    return render(
        request,
        "suppliers/changes.html",
        {
            "organisation": organisation,
            "page": _changes_page(
                request, selectors.supplier_changes(organisation_id=organisation.pk)
            ),
        },
    )


@operator_required
def operator_supplier_change_log(request):
    """Every buyer's supplier-list changes, for the operator; optionally one buyer's."""
    try:
        organisation_id = int(request.GET.get("organisation", ""))
    except ValueError:
        organisation_id = None
    return render(
        request,
        "suppliers/changes.html",
        {
            "organisation": None,
            "buyers": selectors.buyers_with_supplier_changes(),
            "organisation_id": organisation_id,
            "page": _changes_page(
                request, selectors.supplier_changes(organisation_id=organisation_id)
            ),
        },
    )
