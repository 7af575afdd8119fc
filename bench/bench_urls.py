"""URLs of the throughput benchmark: the application's, plus one bare view.

Only bench/submit.py uses them, by starting gunicorn with
DJANGO_SETTINGS_MODULE=bench.bench_settings; config/urls.py never includes this module, so
the bare view exists on no normal server.

The bare view is the ceiling of the stack: the same gunicorn, middleware and database, and
the least work a submission can be (one Response and one Answer row per posted value, in one
transaction, no validation, no template).
"""

import os

from django.db import transaction
from django.http import HttpResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from config.urls import urlpatterns as app_urlpatterns
from hrdd.responses.models import Answer, Response


@csrf_exempt
@require_POST
def bare_submit(request, campaign_id: int):
    """Insert one submitted Response and one Answer row per posted (question, option)."""
    now = timezone.now()
    answers = [
        (question, option)
        for question, options in request.POST.lists()
        if question.startswith("q")
        for option in options
    ]
    with transaction.atomic():
        response = Response.objects.create(
            campaign_id=campaign_id,
            status=Response.Status.SUBMITTED,
            language="en",
            code_hash=os.urandom(32).hex(),
            submitted_at=now,
        )
        Answer.objects.bulk_create(
            Answer(
                response_id=response.pk,
                campaign_id=campaign_id,
                question_code=question,
                option_code=option,
            )
            for question, option in answers
        )
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/bare/<int:campaign_id>/", bare_submit, name="bench_bare_submit"),
    *app_urlpatterns,
]
