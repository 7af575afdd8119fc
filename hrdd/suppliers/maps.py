"""The supply-chain map: tiers as columns, links as lines, drawn as plain SVG text.

No JavaScript and no external assets (the strict CSP allows neither); every label is
escaped; the page always shows the same content as a table. Boxes are coloured by the
supplier's level in the buyer's latest ranking (hrdd/risk), when it has one, else by tier;
each box names its supplier, tier and level in a <title> for screen readers and tooltips.
"""

from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from django.utils.safestring import SafeString, mark_safe

from hrdd.suppliers.models import MAX_TIER

# One colour per tier, distinguishable in greyscale too (darker for deeper tiers).
TIER_COLOURS = {1: "#9ec5de", 2: "#6fa6c8", 3: "#3f84b0", 4: "#2a6189", 5: "#173e5c"}
TEXT_COLOURS = {1: "#000", 2: "#000", 3: "#fff", 4: "#fff", 5: "#fff"}
# By risk level: the world map's colours (hrdd/risk/map.py), text readable on each.
LEVEL_COLOURS = {
    "high": ("#b3261e", "#fff"),
    "medium": ("#e0a030", "#000"),
    "low": ("#7fb07f", "#000"),
    "": ("#d0d0d0", "#000"),  # not ranked yet
}
COLUMN_W, BOX_W, ROW_H, BOX_H, TOP = 250, 210, 30, 24, 34


@dataclass
class SupplyMap:
    """What the drawing shows: per tier, the suppliers drawn (id, name) and how many are
    not; the links between drawn suppliers (supplier id, customer id)."""

    columns: dict[int, list[tuple[int, str]]] = field(default_factory=dict)
    hidden: dict[int, int] = field(default_factory=dict)
    links: list[tuple[int, int]] = field(default_factory=list)

    @property
    def truncated(self) -> bool:
        return any(self.hidden.values())


def supply_map_svg(
    supply_map: SupplyMap,
    *,
    title: str,
    tier_label: str,
    levels: dict[int, str] | None = None,
    level_labels: dict[str, str] | None = None,
) -> SafeString:
    """The map as one <svg>: `tier_label` is a translated "Tier %(tier)s". With `levels`
    (supplier id -> "high"/"medium"/"low") boxes are coloured by level, named in
    `level_labels` ("" for a supplier not ranked yet)."""
    tiers = range(1, MAX_TIER + 1)
    used = [t for t in tiers if supply_map.columns.get(t)] or [1]
    last = max(used)
    rows = max((len(supply_map.columns.get(t, [])) for t in tiers), default=0)
    width = COLUMN_W * last
    height = TOP + ROW_H * max(rows, 1) + 6
    place: dict[int, tuple[int, int]] = {}
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart supply-map" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet">',
        f"<title>{escape(title)}</title>",
    ]
    for tier in range(1, last + 1):
        x = (tier - 1) * COLUMN_W
        parts.append(
            f'<text x="{x}" y="18" font-size="15" font-weight="bold">'
            f"{escape(tier_label % {'tier': tier})}</text>"
        )
        for row, (pk, _name) in enumerate(supply_map.columns.get(tier, [])):
            place[pk] = (x, TOP + row * ROW_H)
    # Lines first, so that boxes cover their ends.
    for supplier_id, customer_id in supply_map.links:
        if supplier_id in place and customer_id in place:
            sx, sy = place[supplier_id]
            cx, cy = place[customer_id]
            parts.append(
                f'<line x1="{sx}" y1="{sy + BOX_H / 2}" x2="{cx + BOX_W}" '
                f'y2="{cy + BOX_H / 2}" stroke="#777" stroke-width="1"/>'
            )
    for tier in range(1, last + 1):
        for pk, name in supply_map.columns.get(tier, []):
            x, y = place[pk]
            label = name if len(name) <= 28 else name[:27] + "…"
            described = f"{name} · {tier_label % {'tier': tier}}"
            if levels is None:
                fill, text = TIER_COLOURS[tier], TEXT_COLOURS[tier]
            else:
                level = levels.get(pk, "")
                fill, text = LEVEL_COLOURS.get(level, LEVEL_COLOURS[""])
                described += f" · {(level_labels or {}).get(level, level)}"
            parts.append(
                f"<g><title>{escape(described)}</title>"
                f'<rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="3" fill="{fill}"/>'
                f'<text x="{x + 6}" y="{y + 16}" font-size="13" '
                f'fill="{text}">{escape(label)}</text></g>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above
