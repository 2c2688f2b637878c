{% macro script(this, kwargs) %}
if (window.ATLAS_BASEMAP) {
    {{ this._parent._parent.get_name() }}.attributionControl.addAttribution({{ this.credit | tojson }});
    atlas_later({{ this._parent.get_name() }}, function () {
        L.geoJSON(window.ATLAS_BASEMAP, {style: {{ this.style | tojson }}, interactive: false})
            .addTo({{ this._parent.get_name() }});
    });
}
{% endmacro %}
