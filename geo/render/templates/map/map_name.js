{% macro script(this, kwargs) %}
(function (map) {
    /* The map's accessible name, on its element and, inside a page's frame, on the frame. */
    var container = map.getContainer();
    container.setAttribute("role", "region");
    container.setAttribute("aria-label", {{ this.label | tojson }});
    try {
        if (window.frameElement) { window.frameElement.setAttribute("aria-label", {{ this.label | tojson }}); }
    } catch (err) { /* a frame of another origin keeps its own name */ }
})({{ this._parent.get_name() }});
{% endmacro %}
