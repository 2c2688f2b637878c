{% macro script(this, kwargs) %}
if (window.AtlasContext) { AtlasContext.water({{ this._parent.get_name() }}, {{ this.styles | tojson }}); }
{% endmacro %}
