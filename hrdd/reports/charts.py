"""One SVG chart renderer, shared by report pages (and later PDF exports).

Pure SVG text with every label escaped: no JavaScript, no external assets, readable by
screen readers through <title> and the table that always accompanies a chart.
"""

from dataclasses import dataclass
from xml.sax.saxutils import escape

from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # percent 0-100; None = hidden by the confidentiality policy
    tone: str = "default"  # default | risk-high | risk-medium | muted
    note: str = ""  # shown instead of a value when the value is hidden


TONES = {
    "default": "#2f6f8f",
    "risk-high": "#b3261e",
    "risk-medium": "#b86e00",
    "muted": "#8a8a8a",
}


def bar_chart(*, bars: list[Bar], title: str, hidden_label: str) -> SafeString:
    """A horizontal bar chart of percentages, each label on its own line above its bar so
    that long labels and any script fit on a phone. Hidden values are a hatched stub."""
    row, bar_h, width, bar_w = 44, 14, 640, 560
    height = row * len(bars) + 4
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet">',
        f"<title>{escape(title)}</title>",
        '<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="3" height="6" fill="#999"/></pattern></defs>',
    ]
    for i, bar in enumerate(bars):
        y = i * row
        label = bar.label if len(bar.label) <= 90 else bar.label[:89] + "…"
        parts.append(f'<text x="0" y="{y + 15}" font-size="14">{escape(label)}</text>')
        bar_y = y + 22
        if bar.value is None:
            parts.append(
                f'<rect x="0" y="{bar_y}" width="28" height="{bar_h}" fill="url(#hatch)"/>'
                f'<text x="36" y="{bar_y + 12}" font-size="13" '
                f'fill="#444">{escape(bar.note or hidden_label)}</text>'
            )
            continue
        w = max(2.0, bar_w * bar.value / 100) if bar.value else 0
        colour = TONES.get(bar.tone, TONES["default"])
        parts.append(
            f'<rect x="0" y="{bar_y}" width="{w:.1f}" height="{bar_h}" fill="{colour}" rx="2"/>'
            f'<text x="{w + 6:.1f}" y="{bar_y + 12}" font-size="13">{bar.value:.0f}%</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above
