"""Convert Natural Earth country outlines (world-atlas countries-110m.json, TopoJSON) into
hrdd/risk/data/world.json: one SVG path string per ISO 3166-1 alpha-2 code.

Run once when updating the map:
    cd /tmp && npm pack world-atlas && tar xzf world-atlas-*.tgz
    DEBUG=1 .venv/bin/python scripts/world_map.py /tmp/package/countries-110m.json
The projection is plain equirectangular (x = longitude, y = -latitude) on a 360 x 170 box
(latitudes -85..85 kept). TopoJSON ids are ISO 3166-1 numeric; django-countries maps them.
"""

import json
import os
import sys
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django_countries import countries  # noqa: E402

TOP = 85  # viewBox 0 0 360 170


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    scale = topology["transform"]["scale"]
    translate = topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * scale[0] + translate[0], y * scale[1] + translate[1]))
        arcs.append(points)
    return arcs


def ring(indices: list[int], arcs) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for index in indices:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        points.extend(arc if not points else arc[1:])
    return points


def unwrap(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """A ring that crosses the antimeridian (Russia's Chukotka, Fiji) jumps by ~360 degrees of
    longitude: its western points are moved east by 360, past the map's right edge, where
    the viewBox clips them, instead of drawing a band across the whole map."""
    if all(abs(b[0] - a[0]) < 180 for a, b in zip(points, points[1:], strict=False)):
        return points
    moved = [(lon + 360 if lon < 0 else lon, lat) for lon, lat in points]
    return moved


def path(rings) -> str:
    parts = []
    for points in map(unwrap, rings):
        coords = [
            (round(lon + 180, 1), round(TOP - max(-TOP, min(TOP, lat)), 1)) for lon, lat in points
        ]
        simplified = [coords[0]] + [c for i, c in enumerate(coords[1:], 1) if c != coords[i - 1]]
        if len(simplified) < 3:
            continue
        parts.append("M" + "L".join(f"{x:g},{y:g}" for x, y in simplified) + "Z")
    return "".join(parts)


def main(source: str) -> None:
    topology = json.loads(Path(source).read_text())
    arcs = decode_arcs(topology)
    shapes = {}
    for geometry in topology["objects"]["countries"]["geometries"]:
        if "id" not in geometry or geometry.get("type") is None:
            continue
        code = countries.alpha2(int(geometry["id"]))
        if not code or code == "AQ":  # Antarctica: no workers, no data, a third of the map
            continue
        polygons = [geometry["arcs"]] if geometry["type"] == "Polygon" else geometry["arcs"]
        rings = [ring(r, arcs) for polygon in polygons for r in polygon]
        shapes[code] = (shapes.get(code, "") + path(rings)) if code in shapes else path(rings)
    out = ROOT / "hrdd" / "risk" / "data" / "world.json"
    out.write_text(json.dumps(dict(sorted(shapes.items())), separators=(",", ":")))
    print(f"{len(shapes)} countries, {out.stat().st_size} bytes → {out}")


if __name__ == "__main__":
    main(sys.argv[1])
