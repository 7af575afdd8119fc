from django.core.management.base import BaseCommand

from hrdd.laws.services import library_load


class Command(BaseCommand):
    help = (
        "Load the library of laws from hrdd/laws/data/laws.yaml (safe to run again; entries "
        "edited by the operator are kept)."
    )

    def handle(self, *args, **options):
        outcome = library_load()
        self.stdout.write(
            "added {added}, updated {updated}, unchanged {unchanged}, kept (edited) {kept}".format(
                **outcome
            )
        )
