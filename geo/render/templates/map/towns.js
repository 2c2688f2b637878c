{% macro script(this, kwargs) %}
if (window.AtlasContext) {
    atlas_later({{ this._parent.get_name() }}, function () {
        AtlasContext.towns({{ this._parent.get_name() }}, {{ this.style | tojson }});
    });
}
{% endmacro %}
