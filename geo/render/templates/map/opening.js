{% macro script(this, kwargs) %}
/* window.atlasOpening(): fit the map to the article's places in the region, at the map's real
   size. The server cannot know how wide a reader's map is; a fixed view cut Baku off on a laptop
   and a phone. An app page calls it when it shows no selection (geo/app/folium_component.py,
   opening_view), on its first run as when a selection is closed. A page that opens on it says so
   before the map is made (window.atlasOpensFitted, folium_component.fit_first): the map then takes
   it at once, before its places are drawn, so they are placed once. */
(function (map) {
    var bounds = {{ this.bounds | tojson }};
    window.atlasOpening = function () {
        if (bounds) { map.fitBounds(bounds, {animate: false}); }
    };
    if (window.atlasOpensFitted) { window.atlasOpening(); }
})({{ this._parent.get_name() }});
{% endmacro %}
