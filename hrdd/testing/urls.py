"""Every named URL pattern of the project, read from the URL configuration, for the tests that
cover each URL the day it is added (tenant isolation, fuzzing)."""

from collections.abc import Iterator

from django.urls import URLPattern, URLResolver, get_resolver


def url_patterns(
    patterns=None, namespace="", outer=frozenset()
) -> Iterator[tuple[str, frozenset[str]]]:
    """(name with its namespaces, the names of its arguments) of every named URL pattern."""
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        arguments = outer | set(getattr(pattern.pattern, "converters", {}))
        if isinstance(pattern, URLResolver):
            inner = ":".join(n for n in (namespace, pattern.namespace or "") if n)
            yield from url_patterns(pattern.url_patterns, inner, arguments)
        elif isinstance(pattern, URLPattern) and pattern.name:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield name, arguments
