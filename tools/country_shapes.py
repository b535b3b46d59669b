"""Write loaders/gazetteer/country_shapes.geojson from Natural Earth (public domain) as packaged by
world-atlas (ISC licence): `npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz`, then
`python tools/country_shapes.py package/` (needs pycountry for ISO numeric -> alpha-3 codes).

The 1:110m countries, plus from 1:50m every gazetteer country too small for 1:110m (Bahrain).
Coordinates are rounded to 0.01 degree: the file stays small enough to send with every map.
A developer's tool, run once; the app only reads the file it writes.
"""

from __future__ import annotations

import csv
import itertools
import json
import sys
from pathlib import Path

import pycountry

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "loaders" / "gazetteer" / "country_shapes.geojson"
GAZETTEER = ROOT / "loaders" / "gazetteer" / "countries.csv"
DIGITS = 2
# Antarctica fills the bottom of a flat map and is never in the coverage.
SKIPPED = {"ATA"}


def arcs_of(topology: dict) -> list[list[tuple[float, float]]]:
    """Decode the topology's delta-encoded, quantized arcs into coordinates."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    decoded = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((round(x * sx + tx, DIGITS), round(y * sy + ty, DIGITS)))
        decoded.append(points)
    return decoded


def ring(indexes: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def crosses_antimeridian(points: list[tuple[float, float]]) -> bool:
    """A ring that wraps from +180 to -180 degrees: a flat map draws it as a band across the world."""
    return any(abs(a[0] - b[0]) > 180 for a, b in itertools.pairwise(points))


def geometry(shape: dict, arcs: list[list[tuple[float, float]]]) -> dict | None:
    polygons = shape["arcs"] if shape["type"] == "MultiPolygon" else [shape["arcs"]]
    kept = []
    for polygon in polygons:
        rings = [ring(r, arcs) for r in polygon]
        if rings and not crosses_antimeridian(rings[0]):  # drops e.g. Chukotka's and Fiji's far parts
            kept.append(rings)
    return {"type": "MultiPolygon", "coordinates": kept} if kept else None


def features(path: Path) -> dict[str, dict]:
    topology = json.loads(path.read_text(encoding="utf-8"))
    arcs = arcs_of(topology)
    found = {}
    for shape in topology["objects"]["countries"]["geometries"]:
        country = pycountry.countries.get(numeric=str(shape.get("id", "")).zfill(3))
        shaped = geometry(shape, arcs)
        if country is None or shaped is None or country.alpha_3 in SKIPPED:
            continue
        found[country.alpha_3] = {
            "type": "Feature",
            "id": country.alpha_3,
            "properties": {"name": shape["properties"]["name"]},
            "geometry": shaped,
        }
    return found


def main(package: Path) -> None:
    shapes = features(package / "countries-110m.json")
    wanted = {row["iso3"] for row in csv.DictReader(GAZETTEER.open(encoding="utf-8"))}
    finer = features(package / "countries-50m.json")
    for code in sorted(wanted - set(shapes)):
        if code in finer:
            shapes[code] = finer[code]
    collection = {"type": "FeatureCollection", "features": [shapes[c] for c in sorted(shapes)]}
    OUT.write_text(json.dumps(collection, separators=(",", ":")), encoding="utf-8")
    print(f"wrote {len(shapes)} countries to {OUT} ({OUT.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
