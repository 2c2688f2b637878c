{% macro script(this, kwargs) %}
if (window.AtlasPlaces) { AtlasPlaces.draw({{ this._parent.get_name() }}, {{ this.group | tojson }}); }
{% endmacro %}
