{% macro script(this, kwargs) %}
if (window.AtlasOverview) {
    atlas_later(null, function () { AtlasOverview.add({{ this._parent.get_name() }}, {{ this.options | tojson }}); });
}
{% endmacro %}
