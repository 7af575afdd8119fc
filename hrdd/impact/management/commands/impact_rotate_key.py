"""Re-encrypt sensitive interview notes under the current IMPACT_ENCRYPTION_KEY
(docs/security.md, "Interview notes")."""

from django.core.management.base import BaseCommand

from hrdd.impact.services import interview_rotate_keys


class Command(BaseCommand):
    help = (
        "Re-encrypt every interview's sensitive notes under IMPACT_ENCRYPTION_KEY; the old key "
        "must still be in IMPACT_ENCRYPTION_KEY_FALLBACKS while this runs."
    )

    def handle(self, *args, **options):
        changed = interview_rotate_keys()
        self.stdout.write(f"{changed} interview(s) re-encrypted under the current key.")
