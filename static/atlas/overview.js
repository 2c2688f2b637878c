/* An overview of the whole region under the layers button, with a box for the part in view.

   It works offline: a second, tiny Leaflet map draws the country outlines the page has
   already loaded (window.ATLAS_BASEMAP, basemap.js, or with `world` window.ATLAS_WORLD,
   world.js) and no tiles. The box follows every
   pan and zoom of the map; a click in the overview moves the map there. When the map
   shows more than the region, the overview zooms out to keep the whole box in sight. */
(function () {
  "use strict";

  var Overview = L.Control.extend({
    options: {
      position: "topright",
      region: [[36.5, 41.0], [43.5, 51.5]],
      world: false,
      land: {},
      water: {},
      box: {}
    },

    onAdd: function (map) {
      var container = L.DomUtil.create("div", "atlas-overview");
      container.setAttribute("role", "img");
      container.setAttribute("aria-label", "Overview of the region: the box marks the part the map shows");
      this.frame = L.DomUtil.create("div", "atlas-overview-map", container);
      L.DomEvent.disableClickPropagation(container);
      L.DomEvent.disableScrollPropagation(container);
      this.main = map;
      /* Built after the map's own layers, so that the places show first. */
      setTimeout(L.bind(this.build, this), 0);
      return container;
    },

    build: function () {
      var main = this.main, options = this.options;
      /* The frame is sized by map.css, which may still be on its way: wait until it has a size. */
      if (!this.frame.clientWidth || !this.frame.clientHeight) { setTimeout(L.bind(this.build, this), 50); return; }
      var mini = L.map(this.frame, {
        attributionControl: false, zoomControl: false, dragging: false, scrollWheelZoom: false,
        doubleClickZoom: false, boxZoom: false, keyboard: false, touchZoom: false, tap: false,
        zoomSnap: 0, minZoom: -2, fadeAnimation: false, zoomAnimation: false, markerZoomAnimation: false,
        renderer: L.canvas({padding: 0})
      });
      this.mini = mini;
      this.region = L.latLngBounds(options.region);
      mini.fitBounds(this.region, {animate: false});
      /* An atlas about anywhere draws the world's outlines (world.js), the default atlas its own. */
      var land = options.world ? (window.ATLAS_WORLD && window.ATLAS_WORLD.outlines) : window.ATLAS_BASEMAP;
      if (land) {
        L.geoJSON(land, {style: options.land, interactive: false, smoothFactor: 2}).addTo(mini);
      }
      if (window.ATLAS_CONTEXT) {
        L.geoJSON(window.ATLAS_CONTEXT.lakes, {style: options.water, interactive: false}).addTo(mini);
      }
      /* SVG for the box alone: moving it then never redraws the outlines. */
      this.box = L.rectangle(main.getBounds(), L.extend({interactive: false, renderer: L.svg({padding: 0})}, options.box))
        .addTo(mini);
      mini.on("click", function (event) { main.panTo(event.latlng); });
      main.on("move moveend zoomend resize", this.update, this);
      main.atlasOverview = this;
      if (window.ResizeObserver) {
        /* A phone turned sideways, or map.css arriving late, resizes the frame: fit the region again. */
        new ResizeObserver(L.bind(function () { this.mini.invalidateSize(false); this.shown = null; this.update(); }, this))
          .observe(this.frame);
      }
      this.update();
    },

    update: function () {
      if (!this.mini) { return; }
      var bounds = this.main.getBounds();
      this.box.setBounds(bounds);
      var wanted = this.region.contains(bounds) ? this.region
        : L.latLngBounds(this.region.getSouthWest(), this.region.getNorthEast()).extend(bounds.pad(0.1));
      if (!this.shown || !this.shown.equals(wanted)) {
        this.shown = wanted;
        this.mini.fitBounds(wanted, {animate: false});
      }
      this.getContainer().setAttribute("data-view", bounds.toBBoxString());
    }
  });

  window.AtlasOverview = {
    add: function (map, options) { return new Overview(options).addTo(map); }
  };
})();
