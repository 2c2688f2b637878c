/* The static export's pages: the shared map (map.js) made clickable, the page's place
   highlighted and fitted, and the number of places drawn recorded on the map's element
   (data-places-drawn) so that a test or a benchmark can tell when the map is complete.
   Each page says what it wants in window.ATLAS_PAGE. */
(function () {
  var page = window.ATLAS_PAGE || {};
  var element = document.querySelector(".folium-map");
  var map = element && window[element.id];
  if (!map) { return; }
  var links = page.links || {};
  var drawn = {};
  var chosen = [];
  map.eachLayer(function (layer) {
    var p = layer.feature && layer.feature.properties;
    if (!p || !p.slug) { return; }
    drawn[p.slug] = true;
    if (links[p.slug]) {
      layer.on("click", function () { window.location.href = links[p.slug]; });
    }
    if (p.slug === page.selected && layer.toGeoJSON) { chosen.push(layer.toGeoJSON()); }
  });
  if (chosen.length) {
    var line = /LineString/.test(chosen[0].geometry && chosen[0].geometry.type);
    L.geoJSON({type: "FeatureCollection", features: chosen}, {
      style: line ? page.routeStyle : page.style,
      pointToLayer: function (feature, latlng) { return L.circleMarker(latlng, {radius: 13}); }
    }).addTo(map);
  }
  if (page.bounds) { map.fitBounds(page.bounds, {maxZoom: 10}); }
  element.setAttribute("data-places-drawn", String(Object.keys(drawn).length));
})();
