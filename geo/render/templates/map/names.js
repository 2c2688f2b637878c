{% macro script(this, kwargs) %}
if (window.AtlasContext) {
    AtlasContext.names({{ this._parent.get_name() }}, {water: {{ this.water }}, towns: {{ this.towns }}});
}
{% endmacro %}
