{% macro script(this, kwargs) %}
if (window.AtlasContext) {
    atlas_later(null, function () {
        AtlasContext.names({{ this._parent.get_name() }}, {
            {%- for key, name in this.groups.items() %}{{ key }}: {{ name }}{{ ", " if not loop.last }}{% endfor -%}
        }, {{ this.world | tojson }});
    });
}
{% endmacro %}
