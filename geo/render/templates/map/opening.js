{% macro script(this, kwargs) %}
/* window.atlasOpening(): fit the map to the article's places in the region, at the map's real
   size. The server cannot know how wide a reader's map is; a fixed view cut Baku off on a laptop
   and a phone. The map opens on it, and a page calls it again when its selection is closed. */
(function (map) {
    var bounds = {{ this.bounds | tojson }};
    window.atlasOpening = function () {
        if (bounds) { map.fitBounds(bounds, {animate: false}); }
    };
    window.atlasOpening();
})({{ this._parent.get_name() }});
{% endmacro %}
