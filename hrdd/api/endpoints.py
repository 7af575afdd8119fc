"""The REST endpoints under /api/v1/. Each one authorises through its key's organisation
and scope, reads through the owning app's selectors, writes through its services, and
shows campaign figures only through hrdd.policy, as the pages do."""

import hashlib

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponseNotModified, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from hrdd import policy
from hrdd.api.models import Scope
from hrdd.api.problems import CONTENT_TYPE, field_errors, problem
from hrdd.api.serializers import (
    BulkUpsertRequestSerializer,
    BulkUpsertResultSerializer,
    CampaignSerializer,
    PrioritySerializer,
    SupplierSerializer,
)
from hrdd.api.serializers_campaigns import CampaignCreateSerializer
from hrdd.campaigns.selectors import campaigns_for_organisation
from hrdd.campaigns.services import campaign_create
from hrdd.reports.selectors import latest_release, submitted_count
from hrdd.risk.selectors import latest_ranking, ranking_rows, run_editions, why_sentence
from hrdd.suppliers.models import Supplier
from hrdd.suppliers.selectors import suppliers_for_list
from hrdd.suppliers.services import (
    EDITABLE_FIELDS,
    UPSERT_MAX_ROWS,
    supplier_create,
    supplier_update,
    suppliers_upsert,
)


class Pages(CursorPagination):
    """Cursor pages: stable while the list changes, and as fast on page 1,000 as on page 1."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500
    ordering = "id"


class ApiView(generics.GenericAPIView):
    """Common to every endpoint: the scopes it needs, and ETags on reads (a GET whose
    If-None-Match names the current ETag answers 304 Not Modified with no body)."""

    read_scope: str | None = None
    write_scope: str | None = None

    @property
    def organisation(self):
        return self.request.user.organisation

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            response.render()
            etag = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
            response["ETag"] = etag
            if etag in (t.strip() for t in request.headers.get("If-None-Match", "").split(",")):
                not_modified = HttpResponseNotModified()
                not_modified["ETag"] = etag
                return not_modified
        return response


def django_errors(error: DjangoValidationError) -> exceptions.ValidationError:
    """A service's ValidationError as DRF's, field by field."""
    if hasattr(error, "error_dict"):
        return exceptions.ValidationError(
            {field: [str(m) for m in messages] for field, messages in error}
        )
    return exceptions.ValidationError({"non_field_errors": [str(m) for m in error.messages]})


@csrf_exempt  # answers every method with a 404 and changes nothing
def not_found(request, *args, **kwargs):
    """Any other address under /api/v1/: a 404 in problem details, not the HTML page."""
    body = problem(404, str(exceptions.NotFound.default_detail), code="not_found")
    return JsonResponse(body, status=404, content_type=CONTENT_TYPE)


# --- Suppliers -------------------------------------------------------------------------------

SUPPLIER_FIELDS = tuple(SupplierSerializer().fields)

SUPPLIER_FILTERS = [
    OpenApiParameter("q", str, description="Name or e-mail contains (ignoring case)."),
    OpenApiParameter("country", str, description="ISO 3166-1 alpha-2 code."),
    OpenApiParameter("tier", int),
    OpenApiParameter("reference", str, description="Your own key for the supplier."),
    OpenApiParameter(
        "updated_since", OpenApiTypes.DATETIME, description="Changed at or after (ISO 8601)."
    ),
]


class SupplierList(ApiView, generics.ListCreateAPIView):
    """The buyer's suppliers, page by page, and adding one."""

    serializer_class = SupplierSerializer
    pagination_class = Pages
    read_scope = Scope.SUPPLIERS_READ
    write_scope = Scope.SUPPLIERS_WRITE

    def get_queryset(self):
        params = self.request.query_params
        tier = params.get("tier", "")
        suppliers = suppliers_for_list(
            organisation=self.organisation,
            query=params.get("q", ""),
            tier=int(tier) if tier.isdigit() else None,
        ).order_by()
        if tier and not tier.isdigit():
            raise exceptions.ValidationError({"tier": [_("Give a whole number.")]})
        if params.get("country"):
            suppliers = suppliers.filter(country=params["country"].upper())
        if params.get("reference"):
            suppliers = suppliers.filter(reference=params["reference"])
        if params.get("updated_since"):
            since = _parse_moment(params["updated_since"])
            suppliers = suppliers.filter(updated_at__gte=since)
        return suppliers

    @extend_schema(parameters=SUPPLIER_FILTERS)
    def get(self, request, *args, **kwargs):
        # Plain rows, not model instances through the serializer (which it documents): the
        # serializer's per-field calls were most of a page's time.
        page = self.paginate_queryset(self.get_queryset().values(*SUPPLIER_FIELDS))
        return self.get_paginated_response(page)

    def post(self, request, *args, **kwargs):
        serializer = SupplierSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            supplier = supplier_create(organisation=self.organisation, **serializer.validated_data)
        except DjangoValidationError as error:
            raise django_errors(error) from error
        return Response(SupplierSerializer(supplier).data, status=status.HTTP_201_CREATED)


def _parse_moment(text: str):
    try:
        moment = parse_datetime(text)
    except ValueError:
        moment = None
    if moment is None:
        raise exceptions.ValidationError(
            {"updated_since": [_("Give a date and time in ISO 8601, such as 2026-01-31T00:00Z.")]}
        )
    return moment


class SupplierDetail(ApiView):
    """One supplier: read it, or change some of its fields (PATCH)."""

    serializer_class = SupplierSerializer
    read_scope = Scope.SUPPLIERS_READ
    write_scope = Scope.SUPPLIERS_WRITE

    def get_object(self):
        return get_object_or_404(
            Supplier, pk=self.kwargs["supplier_id"], organisation=self.organisation
        )

    def get(self, request, supplier_id):
        return Response(SupplierSerializer(self.get_object()).data)

    def patch(self, request, supplier_id):
        supplier = self.get_object()
        serializer = SupplierSerializer(supplier, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        try:
            supplier = supplier_update(
                supplier=supplier, by=request.auth.created_by, **serializer.validated_data
            )
        except DjangoValidationError as error:
            raise django_errors(error) from error
        return Response(SupplierSerializer(supplier).data)


# The JSON types each field of a bulk row may have (checked cheaply, row by row; the
# service then applies every rule of the supplier list).
_ROW_TYPES = dict.fromkeys(EDITABLE_FIELDS, (str,)) | {"tier": (int,)}


class SupplierBulkUpsert(ApiView):
    """Create or update up to 10,000 suppliers at once, matched on your reference."""

    read_scope = None
    write_scope = Scope.SUPPLIERS_WRITE

    @extend_schema(request=BulkUpsertRequestSerializer, responses=BulkUpsertResultSerializer)
    def post(self, request):
        rows = request.data.get("suppliers") if isinstance(request.data, dict) else None
        if not isinstance(rows, list):
            raise exceptions.ValidationError({"suppliers": [_("Give a list of suppliers.")]})
        if len(rows) > UPSERT_MAX_ROWS:
            raise exceptions.ValidationError(
                {
                    "suppliers": [
                        _("Send at most %(max)s suppliers at once.") % {"max": UPSERT_MAX_ROWS}
                    ]
                }
            )
        checked, rejected = [], {}
        for index, row in enumerate(rows):
            errors = _row_type_errors(row)
            if errors:
                rejected[index] = errors
            else:
                checked.append((index, row))
        outcome = suppliers_upsert(
            organisation=self.organisation,
            rows=[row for _index, row in checked],
            by=request.auth.created_by,
        )
        results = [None] * len(rows)
        for (index, _row), result in zip(checked, outcome, strict=True):
            results[index] = {
                "row": index,
                "reference": result.reference,
                "status": result.status,
                "id": result.supplier.pk if result.supplier else None,
                "errors": field_errors(result.errors or {}),
            }
        for index, errors in rejected.items():
            reference = rows[index].get("reference") if isinstance(rows[index], dict) else ""
            results[index] = {
                "row": index,
                "reference": reference if isinstance(reference, str) else "",
                "status": "invalid",
                "id": None,
                "errors": errors,
            }
        counts = dict.fromkeys(("created", "updated", "unchanged", "invalid"), 0)
        for result in results:
            counts[result["status"]] += 1
        return Response({**counts, "results": results})


def _row_type_errors(row) -> list[dict]:
    if not isinstance(row, dict):
        return [{"field": "", "detail": _("Each supplier is an object of fields.")}]
    errors = []
    for name, value in row.items():
        if name not in _ROW_TYPES:
            errors.append({"field": name, "detail": _("Unknown field.")})
        elif value is not None and (
            not isinstance(value, _ROW_TYPES[name]) or isinstance(value, bool)
        ):
            errors.append({"field": name, "detail": _("This value has the wrong type.")})
    return errors


# --- Campaigns -------------------------------------------------------------------------------


def campaign_data(campaign) -> dict:
    low, high = policy.response_band(submitted_count(campaign=campaign), campaign.min_responses)
    release = latest_release(campaign=campaign)
    return {
        "id": campaign.pk,
        "name": campaign.name,
        "mode": campaign.mode,
        "state": campaign.state(),
        "questionnaire": str(campaign.questionnaire_version.questionnaire),
        "languages": list(campaign.languages),
        "opens_at": campaign.opens_at,
        "closes_at": campaign.closes_at,
        "min_responses": campaign.min_responses,
        "submitted_responses": {"low": low, "high": high},
        "supplier_status_visible": policy.response_status_access(campaign),
        "latest_release": release.number if release else None,
    }


class CampaignPages(Pages):
    page_size = 50
    ordering = "-id"


class CampaignList(ApiView, generics.ListAPIView):
    """The buyer's campaigns with their progress, and creating one."""

    serializer_class = CampaignSerializer
    pagination_class = CampaignPages
    read_scope = Scope.CAMPAIGNS_READ
    write_scope = Scope.CAMPAIGNS_WRITE

    def get_queryset(self):
        return campaigns_for_organisation(organisation=self.organisation)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        data = CampaignSerializer([campaign_data(c) for c in page], many=True).data
        return self.get_paginated_response(data)

    @extend_schema(request=CampaignCreateSerializer, responses={201: CampaignSerializer})
    def post(self, request):
        """Create a campaign with the options and rules of the page's form; it is not
        launched (POST /campaigns/{id}/launch/ sends the personal links)."""
        serializer = CampaignCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            campaign = campaign_create(
                organisation=self.organisation,
                questionnaire_version=data["questionnaire"],
                name=data["name"],
                languages=data["languages"],
                opens_at=data["opens_at"],
                closes_at=data["closes_at"],
                mode=data["mode"],
                breakdowns=data["breakdowns"],
                by=request.auth.created_by,
            )
        except DjangoValidationError as error:
            raise django_errors(error) from error
        location = reverse("api:v1_campaign", args=[campaign.pk])
        return Response(
            CampaignSerializer(campaign_data(campaign)).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": location},
        )


class CampaignDetail(ApiView):
    serializer_class = CampaignSerializer
    read_scope = Scope.CAMPAIGNS_READ

    def get(self, request, campaign_id):
        campaign = get_object_or_404(
            campaigns_for_organisation(organisation=self.organisation), pk=campaign_id
        )
        return Response(CampaignSerializer(campaign_data(campaign)).data)


# --- Risk ------------------------------------------------------------------------------------


class PriorityPages(Pages):
    ordering = "rank"


class PriorityList(ApiView, generics.ListAPIView):
    """The buyer's suppliers in the order of its latest risk ranking (the priorities page's
    rows: rank, score, level, the topic that drives it and why). Empty until a ranking has
    been computed on the page."""

    serializer_class = PrioritySerializer
    pagination_class = PriorityPages
    read_scope = Scope.RISK_READ

    def get_queryset(self):
        self.run = latest_ranking(organisation=self.organisation)
        if self.run is None:
            return ranking_rows(run=None).none()
        params = self.request.query_params
        tier = params.get("tier", "")
        return ranking_rows(
            run=self.run,
            level=params.get("level", ""),
            tier=int(tier) if tier.isdigit() else None,
            topic=params.get("topic", ""),
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("level", str, description="high, medium, low or unknown."),
            OpenApiParameter("tier", int),
            OpenApiParameter("topic", str, description="The topic that drives the score."),
        ]
    )
    def get(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        editions = run_editions(self.run) if page else {}
        data = [
            {
                "rank": row.rank,
                "supplier_id": row.supplier_id,
                "supplier_name": row.supplier.name,
                "country": str(row.supplier.country.code or ""),
                "tier": row.tier,
                "score": row.score,
                "level": row.level,
                "topic": row.topic,
                "why": str(why_sentence(row.why, editions)),
                "ranked_at": self.run.finished_at or self.run.created_at,
            }
            for row in page
        ]
        return self.get_paginated_response(PrioritySerializer(data, many=True).data)
