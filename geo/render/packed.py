"""Coordinates written compactly into the map's data scripts (static/atlas/basemap.js, places.js, context.js).

A first visit downloads these scripts before the map draws. Written as GeoJSON they spell every
position out in full ("[46.512,39.568]"); here each list of positions is one string of whole-number
steps from the position before, in units of the data's last decimal ("46512,39568,-14,-94"), and a
few lines of script at the top of the file turn it back into the same GeoJSON as it loads. Nothing
is rounded: every position comes back exactly as written (`unpack` does in Python what the script
does in the browser), and the files are about a third smaller compressed.
"""

from __future__ import annotations

import json
from typing import Any

MAX_DECIMALS = 6  # finer than a tenth of a metre: data with more is written as it is

# The script that unpacks: a function of the packed data and its scale, applied where the file is loaded.
# (No "<" next to a letter: pages run such files through an HTML sanitiser too.)
UNPACK_JS = """(function (data, scale) {
  function positions(text) {
    var steps = text ? text.split(",") : [], out = [], x = 0, y = 0;
    for (var i = 0; i + 1 < steps.length; i += 2) {
      x += +steps[i]; y += +steps[i + 1];
      out.push([x / scale, y / scale]);
    }
    return out;
  }
  function coordinates(c) {
    if (typeof c === "string") { return positions(c); }
    return Array.isArray(c) && typeof c[0] !== "number" ? c.map(coordinates) : c;
  }
  function walk(node) {
    if (Array.isArray(node)) { node.forEach(walk); return; }
    if (!node || typeof node !== "object") { return; }
    Object.keys(node).forEach(function (key) {
      if (key === "coordinates") { node[key] = coordinates(node[key]); } else { walk(node[key]); }
    });
  }
  walk(data);
  return data;
})"""


def _decimals(value: float) -> int:
    text = repr(float(value))
    if "e" in text or "E" in text:
        return MAX_DECIMALS + 1
    return len(text.split(".")[1].rstrip("0")) if "." in text else 0


SEQUENCES = (list, tuple)  # shapely's GeoJSON holds tuples, parsed JSON lists


def _is_position(item: Any) -> bool:
    return isinstance(item, SEQUENCES) and len(item) >= 2 and all(isinstance(v, (int, float)) for v in item)


def _positions_of(node: Any) -> list[list[float]]:
    """Every list of positions under a "coordinates" key, anywhere in the data."""
    found: list[list[float]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            found += _collect(value) if key == "coordinates" else _positions_of(value)
    elif isinstance(node, SEQUENCES):
        for item in node:
            found += _positions_of(item)
    return found


def _collect(coords: Any) -> list[list[float]]:
    if isinstance(coords, SEQUENCES) and coords and _is_position(coords[0]):
        return list(coords)
    if isinstance(coords, SEQUENCES) and coords and isinstance(coords[0], SEQUENCES):
        return [p for part in coords for p in _collect(part)]
    return []


def scale_for(data: Any) -> int | None:
    """10 to the number of decimals the data's positions use, or None when they need more than MAX_DECIMALS
    (or carry a third value, a height): such data is written as it is."""
    positions = _positions_of(data)
    if any(len(p) != 2 for p in positions):
        return None
    places = max((_decimals(v) for p in positions for v in p), default=0)
    return 10**places if places <= MAX_DECIMALS else None


def _pack_coordinates(coords: Any, scale: int) -> Any:
    if isinstance(coords, SEQUENCES) and coords and _is_position(coords[0]):
        steps: list[int] = []
        x = y = 0
        for lng, lat in coords:
            nx, ny = round(lng * scale), round(lat * scale)
            steps += [nx - x, ny - y]
            x, y = nx, ny
        return ",".join(map(str, steps))
    if isinstance(coords, SEQUENCES) and coords and isinstance(coords[0], SEQUENCES):
        return [_pack_coordinates(part, scale) for part in coords]
    return coords  # a single position (a point) or nothing


def pack(data: Any, scale: int) -> Any:
    """A copy of `data` with every list of positions under a "coordinates" key packed into a string."""
    if isinstance(data, dict):
        return {
            key: _pack_coordinates(value, scale) if key == "coordinates" else pack(value, scale)
            for key, value in data.items()
        }
    if isinstance(data, SEQUENCES):
        return [pack(item, scale) for item in data]
    return data


def _unpack_coordinates(coords: Any, scale: int) -> Any:
    if isinstance(coords, str):
        steps = [int(v) for v in coords.split(",")] if coords else []
        out, x, y = [], 0, 0
        for i in range(0, len(steps) - 1, 2):
            x, y = x + steps[i], y + steps[i + 1]
            out.append([x / scale, y / scale])
        return out
    if isinstance(coords, list) and coords and not isinstance(coords[0], (int, float)):
        return [_unpack_coordinates(part, scale) for part in coords]
    return coords


def unpack(data: Any, scale: int) -> Any:
    """What the browser gets back from packed data: what UNPACK_JS does, in Python."""
    if isinstance(data, dict):
        return {
            key: _unpack_coordinates(value, scale) if key == "coordinates" else unpack(value, scale)
            for key, value in data.items()
        }
    if isinstance(data, list):
        return [unpack(item, scale) for item in data]
    return data


def script_value(data: Any, *, ensure_ascii: bool = True) -> str:
    """The JavaScript expression a data script assigns: the data packed, and unpacked as the file loads
    (the data as plain JSON when its positions cannot be packed without loss)."""
    scale = scale_for(data)
    if scale is None:
        return json.dumps(data, ensure_ascii=ensure_ascii, separators=(",", ":"))
    packed = json.dumps(pack(data, scale), ensure_ascii=ensure_ascii, separators=(",", ":"))
    return f"{UNPACK_JS}({packed}, {scale})"


def read_script_value(text: str, name: str) -> Any:
    """The data a script written with `script_value` gives `window.<name>`, as the browser has it."""
    prefix = f"window.{name} = "
    start = text.index(prefix) + len(prefix)
    value = text[start:].rstrip().removesuffix(";")
    if value.startswith("{") or value.startswith("null"):
        return json.loads(value)
    if not value.startswith(UNPACK_JS + "("):
        raise ValueError(f"window.{name} is neither JSON nor packed data")
    packed, _, scale = value[len(UNPACK_JS) + 1 :].removesuffix(")").rpartition(", ")
    return unpack(json.loads(packed), int(scale))
