/* Explore's list of places (geo/app/place_list.py), run in the app's own document (installed once).

   A plain click on a place's link opens it in the same session instead of reloading the page: the
   script types the place's slug into one hidden field (.st-key-place-pick) and presses Enter, so the
   page reruns with the place open. The links stay real links (?place=SLUG): with a modifier key, or
   if this script fails, they still open the place. Enter on a focused link is a click.

   The list is the same for every selection (so a change sends it as a reference); the selected place
   comes in a hidden element, .pl-state, which this script applies: aria-current and is-selected. */
(function () {
  if (window.__atlasPlaceList) { return; }
  window.__atlasPlaceList = true;

  function pick(input, slug) {
    Object.getOwnPropertyDescriptor(window.HTMLInputElement.prototype, "value").set.call(input, slug);
    input.dispatchEvent(new Event("input", {bubbles: true}));
    input.dispatchEvent(new KeyboardEvent("keydown", {key: "Enter", code: "Enter", keyCode: 13, bubbles: true}));
  }

  /* The selection in .pl-state onto the list; changes only what differs, so it does not call itself again. */
  function applyState() {
    var state = document.querySelector(".pl-state");
    var selected = state ? state.getAttribute("data-selected") || "" : "";
    document.querySelectorAll(".atlas-place-list a[data-place]").forEach(function (link) {
      var on = link.getAttribute("data-place") === selected;
      if (link.classList.contains("is-selected") !== on) { link.classList.toggle("is-selected", on); }
      if (on && link.getAttribute("aria-current") !== "true") { link.setAttribute("aria-current", "true"); }
      if (!on && link.hasAttribute("aria-current")) { link.removeAttribute("aria-current"); }
    });
  }

  var applying = false;
  function scheduleApply() {
    if (applying) { return; }
    applying = true;
    window.requestAnimationFrame(function () { applying = false; applyState(); });
  }
  new MutationObserver(scheduleApply).observe(document.body, {
    childList: true, subtree: true, attributes: true, attributeFilter: ["data-selected"]
  });
  applyState();

  document.addEventListener("click", function (event) {
    var link = event.target && event.target.closest ? event.target.closest(".atlas-place-list a[data-place]") : null;
    if (!link || event.defaultPrevented || event.button !== 0) { return; }
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) { return; } // a new tab or window
    var input = document.querySelector(".st-key-place-pick input");
    if (!input || input.disabled) { return; } // let the link load the page
    event.preventDefault();
    pick(input, link.getAttribute("data-place"));
  });

  /* A mention of a place in Explore's passages opens it the same way (static/atlas/mentions.js). */
  window.atlasPickPlace = function (slug) {
    var input = document.querySelector(".st-key-place-pick input");
    if (!input || input.disabled) { return false; }
    pick(input, slug);
    return true;
  };
})();
