/* The map's orientation layers, drawn from window.ATLAS_CONTEXT (context.js, generated):
   rivers and lakes, towns the article does not name, and the names on the map (with the
   countries' names of window.ATLAS_WORLD, world.js, on the map of an atlas about anywhere).

   Names are text in the page (spans in a pane of their own), so they can be read by a
   screen reader, found by a search and tested. After every pan and zoom they are placed
   again: each at the candidate point nearest the middle of what is in view, in the order
   geo/render/orientation.py gives (lakes, which have one spot, then countries, the sea, rivers,
   capitals, towns), and a name that would overlap one already written, a label of the
   article's places or a control of the map is left out. So names thin out as the map zooms
   out and never collide. */
(function () {
  "use strict";
  var GAP = 4; /* pixels kept clear around each name */
  var EDGE = 2; /* a name stays this far inside the map */
  var BESIDE = 7; /* a town's name starts this far right of its dot */

  function text(value) {
    var span = document.createElement("span");
    span.textContent = value;
    return span;
  }

  /* Lakes and rivers into a layer group: drawn once, never clicked. */
  function water(group, styles) {
    var data = window.ATLAS_CONTEXT;
    if (!data) { return; }
    L.geoJSON(data.rivers, {style: styles.river, interactive: false}).addTo(group);
    L.geoJSON(data.lakes, {style: styles.lake, interactive: false}).addTo(group);
  }

  /* Towns as small dots; hovering or tapping one says it is not named in the article. */
  function towns(group, style) {
    var data = window.ATLAS_CONTEXT;
    if (!data) { return; }
    data.towns.forEach(function (town) {
      var marker = L.circleMarker(town.at, style);
      marker.bindTooltip(text(town.name + ": " + town.note + ". Not named in the article."),
        {className: "atlas-tip", direction: "top", offset: [0, -4]});
      marker.atlasContext = town.name;
      marker.addTo(group);
    });
  }

  function overlaps(a, b) {
    return a.left < b.right + GAP && b.left < a.right + GAP && a.top < b.bottom + GAP && b.top < a.bottom + GAP;
  }

  function rectIn(container, el) {
    var outer = container.getBoundingClientRect(), r = el.getBoundingClientRect();
    return {left: r.left - outer.left, top: r.top - outer.top, right: r.right - outer.left, bottom: r.bottom - outer.top};
  }

  /* The names of the map, kept in one pane and placed again after every move. */
  function Names(map, labels, groups) {
    this.map = map;
    this.groups = groups || {};
    this.pane = map.createPane("atlas-names");
    this.pane.classList.add("atlas-names");
    this.pane.setAttribute("role", "list");
    this.pane.setAttribute("aria-label", "Names on the map");
    this.items = labels.map(function (label) {
      var el = L.DomUtil.create("span", "atlas-name atlas-name-" + label.kind, this.pane);
      el.textContent = label.text;
      el.setAttribute("role", "listitem");
      el.hidden = true;
      return {label: label, el: el, at: label.at.map(function (p) { return L.latLng(p[0], p[1]); })};
    }, this);
    var place = L.bind(this.place, this);
    map.on("moveend zoomend resize overlayadd overlayremove atlaslayout", place);
    map.on("zoomstart", function () { this.pane.style.visibility = "hidden"; }, this);
    map.on("zoomend", function () { this.pane.style.visibility = ""; }, this);
    /* The map's style sheets are linked just before it is drawn and may still be on their way. */
    var sheets = document.querySelectorAll("link[rel=stylesheet]");
    for (var i = 0; i < sheets.length; i++) { sheets[i].addEventListener("load", place); }
    if (document.fonts && document.fonts.ready) { document.fonts.ready.then(place); }
    this.place();
  }

  Names.prototype.shown = function (item) {
    var group = this.groups[item.label.group];
    return this.map.getZoom() >= item.label.minZoom && (!group || this.map.hasLayer(group));
  };

  /* What a name must not cover: the labels of the article's places and the map's controls. */
  Names.prototype.obstacles = function () {
    var container = this.map.getContainer(), out = [];
    var els = container.querySelectorAll(".leaflet-tooltip.atlas-label, .leaflet-control");
    for (var i = 0; i < els.length; i++) {
      if (els[i].offsetWidth) { out.push(rectIn(container, els[i])); }
    }
    return out;
  };

  Names.prototype.place = function () {
    var map = this.map, size = map.getSize(), taken = this.obstacles();
    var wanted = this.items.filter(function (item) { return this.shown(item); }, this);
    this.items.forEach(function (item) { item.el.hidden = wanted.indexOf(item) < 0; });
    /* Sizes are read in one go, every time: a style sheet or a font that arrives late changes them. */
    var sizes = wanted.map(function (item) { return {w: item.el.offsetWidth, h: item.el.offsetHeight}; });
    /* Where each town's name would go: an area's name (a country, the sea, a river) has many
       spots to choose from, so it keeps clear of these when it can and leaves the towns room. */
    var reserved = [];
    wanted.forEach(function (item, n) {
      if (!item.label.beside) { return; }
      var p = map.latLngToContainerPoint(item.at[0]);
      var half = sizes[n].h / 2;
      reserved.push({left: p.x - BESIDE, top: p.y - half, right: p.x + BESIDE + sizes[n].w, bottom: p.y + half});
    });
    var free = function (box, boxes) {
      for (var j = 0; j < boxes.length; j++) { if (overlaps(box, boxes[j])) { return false; } }
      return true;
    };
    wanted.forEach(function (item, n) {
      var w = sizes[n].w, h = sizes[n].h, beside = item.label.beside;
      var boxes = [];
      item.at.forEach(function (latlng) {
        var p = map.latLngToContainerPoint(latlng);
        /* A town's name goes right of its dot, else left, above or below it; an area's is centred. */
        var offsets = beside ? [[BESIDE, -h / 2], [-BESIDE - w, -h / 2], [-w / 2, -BESIDE - h], [-w / 2, BESIDE]]
          : [[-w / 2, -h / 2]];
        offsets.forEach(function (offset) {
          var left = p.x + offset[0], top = p.y + offset[1];
          var box = {left: left, top: top, right: left + w, bottom: top + h, latlng: latlng, p: p, offset: offset};
          if (box.left >= EDGE && box.top >= EDGE && box.right <= size.x - EDGE && box.bottom <= size.y - EDGE) {
            boxes.push(box);
          }
        });
      });
      /* Nearest first to the middle of the name's candidates in view: the middle of what shows of it. */
      var cx = 0, cy = 0;
      boxes.forEach(function (b) { cx += b.p.x; cy += b.p.y; });
      cx /= boxes.length || 1; cy /= boxes.length || 1;
      boxes.sort(function (a, b) {
        return Math.hypot(a.p.x - cx, a.p.y - cy) - Math.hypot(b.p.x - cx, b.p.y - cy);
      });
      var chosen = null, i;
      if (!beside) {
        for (i = 0; i < boxes.length && !chosen; i++) {
          if (free(boxes[i], taken) && free(boxes[i], reserved)) { chosen = boxes[i]; }
        }
      }
      for (i = 0; i < boxes.length && !chosen; i++) {
        if (free(boxes[i], taken)) { chosen = boxes[i]; }
      }
      if (!chosen) { item.el.hidden = true; return; }
      taken.push(chosen);
      var origin = map.latLngToLayerPoint(chosen.latlng);
      L.DomUtil.setPosition(item.el, origin.add(L.point(chosen.offset[0], chosen.offset[1])).round());
    });
    map.getContainer().setAttribute("data-names-placed", String(this.visible().length));
  };

  /* The names written at the moment, for tests and for anyone reading the page's state. */
  Names.prototype.visible = function () {
    return this.items.filter(function (item) { return !item.el.hidden; }).map(function (item) { return item.label.text; });
  };

  /* The names to place: the atlas's own (context.js or its map's), and with `world` the
     countries of world.js that it does not name already, in order of priority. */
  function labelsFor(world) {
    var own = window.ATLAS_CONTEXT ? window.ATLAS_CONTEXT.labels : [];
    if (!world || !window.ATLAS_WORLD) { return own; }
    var known = {};
    own.forEach(function (label) { known[label.text] = true; });
    var extra = window.ATLAS_WORLD.labels.filter(function (label) { return !known[label.text]; });
    var all = own.concat(extra);
    /* Stable: equal priorities keep their order. */
    return all.map(function (label, i) { return {label: label, i: i}; })
      .sort(function (a, b) { return a.label.priority - b.label.priority || a.i - b.i; })
      .map(function (entry) { return entry.label; });
  }

  /* After the map's own layers and labels are drawn, so the places show first. */
  function names(map, groups, world) {
    var labels = labelsFor(world);
    if (!labels.length) { return; }
    var start = function () { map.atlasNames = new Names(map, labels, groups); };
    if (window.requestAnimationFrame) { window.requestAnimationFrame(start); } else { setTimeout(start, 0); }
  }

  window.AtlasContext = {water: water, towns: towns, names: names};
})();
