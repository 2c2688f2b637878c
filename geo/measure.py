"""Geodesic figures on the WGS84 ellipsoid (pyproj), never planar degrees."""

from __future__ import annotations

from pyproj import Geod
from shapely.geometry.base import BaseGeometry
from shapely.ops import nearest_points

GEOD = Geod(ellps="WGS84")


def area_km2(geom: BaseGeometry) -> float:
    area, _ = GEOD.geometry_area_perimeter(geom)
    return abs(area) / 1e6


def length_km(geom: BaseGeometry) -> float:
    return GEOD.geometry_length(geom) / 1000


def distance_km(a: BaseGeometry, b: BaseGeometry) -> float:
    """Shortest geodesic distance between two shapes (0 if they touch).

    The nearest pair of points is found in longitude/latitude, then measured on the
    ellipsoid: at this latitude and scale the pair is the true nearest within metres.
    """
    if a.intersects(b):
        return 0.0
    p, q = nearest_points(a, b)
    _, _, metres = GEOD.inv(p.x, p.y, q.x, q.y)
    return metres / 1000
