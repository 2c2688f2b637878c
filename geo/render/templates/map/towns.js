{% macro script(this, kwargs) %}
if (window.AtlasContext) { AtlasContext.towns({{ this._parent.get_name() }}, {{ this.style | tojson }}); }
{% endmacro %}
