{% macro script(this, kwargs) %}
if (window.ATLAS_WORLD) {
    {{ this._parent._parent.get_name() }}.attributionControl.addAttribution({{ this.credit | tojson }});
    atlas_later({{ this._parent.get_name() }}, function () {
        L.geoJSON(window.ATLAS_WORLD.outlines, {style: {{ this.style | tojson }}, interactive: false, className: "atlas-world"})
            .addTo({{ this._parent.get_name() }});
    });
}
{% endmacro %}
