{% macro script(this, kwargs) %}
if (window.AtlasContext) {
    atlas_later({{ this._parent.get_name() }}, function () {
        AtlasContext.water({{ this._parent.get_name() }}, {{ this.styles | tojson }});
    });
}
{% endmacro %}
