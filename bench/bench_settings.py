"""Settings of the throughput benchmark: the application's, with bench/bench_urls.py.

bench/submit.py starts gunicorn with DJANGO_SETTINGS_MODULE=bench.bench_settings to mount
the bare view next to the real supplier pages; nothing else differs.
"""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.bench_urls"
