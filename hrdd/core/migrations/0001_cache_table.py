"""The table of the database cache (CACHE_URL=db://), where rate-limit counters can live.

Created whatever the current cache setting, so that switching to db:// needs no command."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command(
        "createcachetable", "hrdd_cache", database=schema_editor.connection.alias, verbosity=0
    )


class Migration(migrations.Migration):
    dependencies = []
    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
