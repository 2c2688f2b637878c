{% macro script(this, kwargs) %}
/* window.atlasFocus(slug, animate): fit the map to a place and draw it in the highlight
   style, without the page reloading. The article reader calls it when a mention is clicked
   (animated, so the eye follows), the static pages when they open (at once); it returns
   whether the place is drawn on the map. */
(function () {
    var map = {{ this._parent.get_name() }};
    var bounds = {{ this.bounds | tojson }};
    var style = {{ this.style | tojson }};
    var routeStyle = {{ this.route_style | tojson }};
    var shown = null;
    window.atlasFocus = function (slug, animate) {
        if (shown) { map.removeLayer(shown); shown = null; }
        (window.feature_group || []).forEach(function (group) { map.removeLayer(group); });
        var features = [];
        map.eachLayer(function (layer) {
            var p = layer.feature && layer.feature.properties;
            if (p && p.slug === slug && layer.toGeoJSON) { features.push(layer.toGeoJSON()); }
        });
        if (features.length) {
            var line = /LineString/.test(features[0].geometry && features[0].geometry.type);
            shown = L.geoJSON({type: "FeatureCollection", features: features}, {
                style: line ? routeStyle : style,
                pointToLayer: function (feature, latlng) { return L.circleMarker(latlng, {radius: 13}); }
            }).addTo(map);
        }
        if (bounds[slug]) { map.fitBounds(bounds[slug], {maxZoom: 10, animate: animate !== false}); }
        map.getContainer().setAttribute("data-focus", slug || "");
        return Boolean(bounds[slug]);
    };
})();
{% endmacro %}
