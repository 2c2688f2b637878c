{% macro script(this, kwargs) %}
/* atlas_later(group, draw): drawing that waits until the article's places show. The outlines, the
   water, the other towns and the names take longer to draw than the places, and a reader looks
   for the places: these are drawn just after the first paint, after the map has taken its opening
   view (so they are placed once, not twice), in the order they were asked for. Each group's
   shapes then go where they would have been had they been drawn at once (a mark holds their
   place among the map's shapes), so the map looks as before: the outlines under the water, the
   water under the places. A page map fetches the outlines' and the water's data beside its own
   script and runs it only now (window.atlasData(), geo/app/atlas_map.py): these layers wait for it. */
var atlas_later = (function (map) {
    var queue = [];
    function mark() {
        var renderer = map.getRenderer(L.polyline([]));
        var root = renderer && renderer._rootGroup;
        if (!root) { return null; }
        var node = L.SVG.create("g");
        root.appendChild(node);
        return node;
    }
    function restack(group, node) {
        (function walk(layer) {
            if (layer._path && layer._path.parentNode === node.parentNode) { node.parentNode.insertBefore(layer._path, node); }
            if (layer.eachLayer) { layer.eachLayer(walk); }
        })(group);
        node.parentNode.removeChild(node);
    }
    function run() {
        queue.splice(0).forEach(function (item) {
            item.draw();
            if (item.node && item.node.parentNode) { restack(item.group, item.node); }
        });
    }
    function schedule() {
        var done = false;
        function once() {
            if (done) { return; }
            done = true;
            if (window.atlasData) { window.atlasData().then(run); } else { run(); }
        }
        /* After the next paint; a frame that is not painted (a hidden tab) draws them anyway. */
        if (window.requestAnimationFrame) { window.requestAnimationFrame(function () { setTimeout(once, 0); }); }
        setTimeout(once, 250);
    }
    return function (group, draw) {
        if (!queue.length) { schedule(); }
        queue.push({group: group, draw: draw, node: group ? mark() : null});
    };
})({{ this._parent.get_name() }});
{% endmacro %}
