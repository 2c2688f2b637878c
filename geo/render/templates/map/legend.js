{% macro script(this, kwargs) %}
(function() {
    var legend = L.control({position: "bottomleft"});
    legend.onAdd = function (map) {
        var div = L.DomUtil.create("div");
        div.innerHTML = {{ this.html | tojson }};
        /* Open where the map has room for it; folded on a narrow map (and so on every phone). */
        var key = div.querySelector("details");
        var narrow = map.getSize().x <= {{ this.narrow }};
        if (key && !narrow) { key.open = true; }
        L.DomEvent.disableClickPropagation(div);
        L.DomEvent.disableScrollPropagation(div);
        if (key) { key.addEventListener("toggle", function () { map.fire("atlaslayout"); }); }
        return div;
    };
    legend.addTo({{ this._parent.get_name() }});
})();
{% endmacro %}
