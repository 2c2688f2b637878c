{% macro script(this, kwargs) %}
window.ATLAS_CONTEXT = {{ this.data | tojson }};
{% endmacro %}
