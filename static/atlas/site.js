/* The static export's pages: the shared map (map.js) made clickable, the page's place
   shown with window.atlasFocus (the map's own), and the number of places drawn recorded
   on the map's element (data-places-drawn) so that a test or a benchmark can tell when
   the map is complete. Each page says what it wants in window.ATLAS_PAGE. */
(function () {
  var page = window.ATLAS_PAGE || {};
  var element = document.querySelector(".folium-map");
  var map = element && window[element.id];
  if (!map) { return; }
  var links = page.links || {};
  var drawn = {};
  map.eachLayer(function (layer) {
    var p = layer.feature && layer.feature.properties;
    if (!p || !p.slug) { return; }
    drawn[p.slug] = true;
    if (links[p.slug]) {
      layer.on("click", function () { window.location.href = links[p.slug]; });
    }
  });
  if (page.selected && window.atlasFocus) { window.atlasFocus(page.selected, false); }
  element.setAttribute("data-places-drawn", String(Object.keys(drawn).length));
})();
