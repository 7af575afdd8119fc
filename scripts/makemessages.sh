#!/usr/bin/env bash
# Refresh the Japanese catalogue from the code (run after changing interface strings),
# then translate the new entries in locale/ja/LC_MESSAGES/django.po.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBUG="${DEBUG:-1}"  # development settings: no SECRET_KEY needed
.venv/bin/python manage.py makemessages -l ja --no-location --no-obsolete \
  --ignore=.venv --ignore=.tools --ignore=var --ignore=conftest.py --ignore='*/tests/*' --ignore=bench
