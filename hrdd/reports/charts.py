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
    """A horizontal bar chart of percentages. Hidden values are drawn as a hatched stub."""
    row, label_w, bar_w, pad = 28, 260, 300, 6
    height = row * len(bars) + pad * 2
    width = label_w + bar_w + 60
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet">',
        f"<title>{escape(title)}</title>",
        '<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="3" height="6" fill="#bbb"/></pattern></defs>',
    ]
    for i, bar in enumerate(bars):
        y = pad + i * row
        label = bar.label if len(bar.label) <= 42 else bar.label[:41] + "…"
        parts.append(
            f'<text x="{label_w - 8}" y="{y + row / 2 + 4}" text-anchor="end" '
            f'font-size="13">{escape(label)}</text>'
        )
        if bar.value is None:
            parts.append(
                f'<rect x="{label_w}" y="{y + 6}" width="24" height="{row - 12}" '
                f'fill="url(#hatch)"/>'
                f'<text x="{label_w + 30}" y="{y + row / 2 + 4}" font-size="12" '
                f'fill="#555">{escape(bar.note or hidden_label)}</text>'
            )
            continue
        w = max(1.0, bar_w * bar.value / 100) if bar.value else 0
        colour = TONES.get(bar.tone, TONES["default"])
        parts.append(
            f'<rect x="{label_w}" y="{y + 6}" width="{w:.1f}" height="{row - 12}" '
            f'fill="{colour}" rx="2"/>'
            f'<text x="{label_w + w + 6:.1f}" y="{y + row / 2 + 4}" font-size="12">'
            f"{bar.value:.0f}%</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above
