{% macro script(this, kwargs) %}
if (window.AtlasOverview) { AtlasOverview.add({{ this._parent.get_name() }}, {{ this.options | tojson }}); }
{% endmacro %}
