"""The contract: schemathesis reads the published OpenAPI schema and calls every operation
with generated requests (valid key, every scope) against the application itself; no answer
may be a server error, have a status the schema does not list, or break the schema."""

import re
from contextlib import contextmanager

import pytest
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import openapi
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from hrdd.testing import world
from hrdd.testing.grievances import channel, send

pytestmark = pytest.mark.django_db

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = 12


def test_every_operation_keeps_to_the_schema(client, org_a, alice, suppliers, campaign_a, settings):
    # Something in every answer's shape: a released report, a finding with its plan and
    # actions, enough grievance cases for figures, a disclosed supplier's answers.
    world.release_sixty(campaign_a)
    finding = world.finding_at(suppliers[0], by=alice)
    cap, _token = world.cap_opened(finding, by=alice)
    world.cap_proposed(cap)
    grievances = channel(org_a, alice)
    for _n in range(5):
        send(client, grievances)
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"token": "100000/minute"},
    }
    headers = {"Authorization": f"Bearer {world.api_key(org_a, by=alice)}"}
    # Generated ids mostly miss: each read of one object is also called on a real one.
    disclosed = world.disclosed_campaign(org_a)
    response = world.submit_disclosed(disclosed, "Hanoi Garments")
    known = {
        "supplier_id": suppliers[0].pk,
        "campaign_id": campaign_a.pk,
        "finding_id": finding.pk,
        "response_id": response.pk,
    }
    # The Detailed Report exists in disclosed campaigns only: read on that one.
    known_for = {"detailed": {"campaign_id": disclosed.pk}}
    failures, operations = [], 0
    with database_kept_open():
        schema = openapi.from_wsgi("/api/v1/schema/?format=json", get_wsgi_application())
        for result in schema.get_all_operations():
            operation = result.ok()
            operations += 1

            @settings_for_contract
            @given(case=operation.as_strategy())
            def check(case):
                case.call_and_validate(headers=headers, checks=CHECKS)

            try:
                check()
                names = re.findall(r"{(\w+)}", operation.path)
                if names and operation.method.upper() == "GET":
                    ids = {n: known[n] for n in names}
                    for part, overrides in known_for.items():
                        if f"/{part}/" in operation.path:
                            ids |= overrides
                    case = operation.Case(path_parameters=ids)
                    case.call_and_validate(headers=headers, checks=CHECKS)
            except Exception as failure:  # every operation is tried; all failures listed
                failures.append(f"{operation.label}: {str(failure)[:1500]}")
    assert operations == 17
    assert not failures, "\n\n".join(failures)


@contextmanager
def database_kept_open():
    """The real WSGI handler closes "old" database connections when a request starts and
    ends. Inside the test's transaction that closes the one connection the test data lives
    on (PostgreSQL; SQLite's in-memory database ignores it), so, as Django's own test client
    does, the signal is held off while the application is called in-process."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


settings_for_contract = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
