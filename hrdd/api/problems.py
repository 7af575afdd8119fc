"""Errors as RFC 9457 problem details (application/problem+json), one format for all.

Every error has `type`, `title`, `status`, `detail` and a `code`; errors about the request's
content add `errors`, one entry per field (with `row` for bulk requests) and message, so that
a client can show the buyer which field of which supplier to correct.
"""

from http import HTTPStatus

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler

CONTENT_TYPE = "application/problem+json"


def field_errors(detail, *, row: int | None = None, prefix: str = "") -> list[dict]:
    """Flatten DRF's nested error detail into [{"field", "detail"(, "row")}]."""
    out: list[dict] = []
    if isinstance(detail, dict):
        for name, value in detail.items():
            field = "" if name in ("non_field_errors", "__all__") else name
            out.extend(field_errors(value, row=row, prefix=f"{prefix}{field}" if field else prefix))
    elif isinstance(detail, list):
        if detail and all(isinstance(item, dict) for item in detail) and not prefix:
            for index, item in enumerate(detail):
                out.extend(field_errors(item, row=index))
        else:
            for item in detail:
                if isinstance(item, dict | list):
                    out.extend(field_errors(item, row=row, prefix=prefix))
                else:
                    out.append(_entry(prefix, str(item), row))
    else:
        out.append(_entry(prefix, str(detail), row))
    return out


def _entry(field: str, message: str, row: int | None) -> dict:
    entry = {"field": field, "detail": message}
    if row is not None:
        entry["row"] = row
    return entry


def problem(status: int, detail: str, *, code: str, errors: list[dict] | None = None) -> dict:
    body = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "code": code,
    }
    if errors is not None:
        body["errors"] = errors
    return body


class Conflict(exceptions.APIException):
    """409: the request is understood but the object's state refuses it; `code` says why
    (for example `closed` or `no_suppliers`), stable for programs."""

    status_code = 409
    default_detail = gettext_lazy("The request conflicts with the current state of the object.")
    default_code = "conflict"


def problem_handler(exc, context):
    """DRF's exception handler, answering in problem details."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        body = problem(
            response.status_code,
            _("The request has errors: see each one below."),
            code="invalid",
            errors=field_errors(exc.detail),
        )
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        body = problem(response.status_code, str(detail), code=str(code))
    headers = {k: v for k, v in response.items() if k in ("Retry-After", "WWW-Authenticate")}
    return Response(body, status=response.status_code, headers=headers, content_type=CONTENT_TYPE)


PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details.",
    "required": ["type", "title", "status", "detail", "code"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "detail"],
                "properties": {
                    "field": {"type": "string"},
                    "detail": {"type": "string"},
                    "row": {"type": "integer"},
                },
            },
        },
    },
}
# Statuses any operation may answer with, besides its own.
PROBLEM_STATUSES = {
    "400": "The request has errors.",
    "401": "No API key, or one that is not valid any more.",
    "403": "The key lacks the scope this request needs.",
    "404": "Not found, or not this organisation's.",
    "405": "Method not allowed.",
    "406": "Not acceptable.",
    "415": "Unsupported media type.",
    "429": "Too many requests: wait the seconds in Retry-After.",
}


def add_problem_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: every operation documents the problem answers."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Problem"] = PROBLEM_SCHEMA
    content = {CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = operation.setdefault("responses", {})
            # Statuses an operation declares itself (extend_schema with a description
            # only, such as a 409) are problems too.
            for code, response in responses.items():
                if code.startswith(("4", "5")) and "content" not in response:
                    response["content"] = content
            for status, description in PROBLEM_STATUSES.items():
                responses.setdefault(status, {"description": description, "content": content})
    return result
