{% macro script(this, kwargs) %}
atlas_later({{ this._parent.get_name() }}, function () {
    if (!window.ATLAS_BASEMAP) { return; }
    L.geoJSON(window.ATLAS_BASEMAP, {style: {{ this.style | tojson }}, interactive: false})
        .addTo({{ this._parent.get_name() }});
    {{ this._parent._parent.get_name() }}.attributionControl.addAttribution({{ this.credit | tojson }});
});
{% endmacro %}
