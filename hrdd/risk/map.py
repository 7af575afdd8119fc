"""The world map: country outlines (data/world.json) coloured by risk level, as SVG text.

Drawn on the server with every label escaped, like hrdd/reports/charts.py: no JavaScript, no
tiles from other sites, and a <title> per country so that screen readers and a hover both
give the country and its level. The table under the map says the same in text."""

import json
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from django.utils.safestring import SafeString, mark_safe

from hrdd.risk import method

COLOURS = {
    method.HIGH: "#b3261e",
    method.MEDIUM: "#e0a030",
    method.LOW: "#7fb07f",
    method.UNKNOWN: "#d0d0d0",
}


@cache
def outlines() -> dict[str, str]:
    return json.loads((Path(__file__).parent / "data" / "world.json").read_text())


def world_map(
    *, levels: dict[str, str], names: dict[str, str], labels: dict, title: str
) -> SafeString:
    """`levels`: country code → level; countries not in it are drawn as unknown."""
    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart world-map" role="img" '
        'viewBox="0 0 360 150" width="100%" preserveAspectRatio="xMidYMid meet">',
        f"<title>{escape(title)}</title>",
    ]
    for code, d in outlines().items():
        level = levels.get(code, method.UNKNOWN)
        label = f"{names.get(code, code)}: {labels[level]}"
        parts.append(
            f'<path d="{d}" fill="{COLOURS[level]}" stroke="#fff" stroke-width="0.2">'
            f"<title>{escape(label)}</title></path>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - path data is ours, every text is escaped
