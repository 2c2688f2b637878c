/* The timeline on the Explore page (geo/app/timeline.py), run in the app's own document (installed once).

   A click on an event's link selects it in the same session instead of reloading the page: the
   address becomes the link's and the page reruns on it (window.atlasOpenHere, static/atlas/place-list.js;
   a full load takes seconds, a rerun a tenth of that). The links stay real links (?event=SLUG,
   target _self): with a modifier key, or if the scripts fail, they still open the event.

   Left and Right arrows press the "Earlier event" and "Later event" buttons. Presses are queued:
   each waits until the address bar shows the event the one before opened, so quick presses each
   move one event. Keys typed into a field, a menu or the map keep their own meaning.

   The timeline's markup is the same for every selection (so a change sends it as a reference):
   the selection comes in a hidden element, .tl-state (geo/render/templates/timeline_state.html),
   which this script applies whenever the page changes it: the open event (is-selected, and
   aria-current in the list), the events of the selected place (is-marked) and the legend naming it.

   The page redraws the timeline after each selection: the keyboard focus goes back to the link
   of the event it was on. On a narrow screen, where the passages come below the timeline, the
   page scrolls to the event's passages once they show. */
(function () {
  if (window.__atlasTimeline) { return; }
  window.__atlasTimeline = true;
  var STEPS = {ArrowLeft: -1, ArrowRight: 1};
  var WAIT_MS = 2000;
  var TEXT_INPUT = /^(text|search|email|number|password|tel|url|date|time|datetime-local|month|week|range)$/i;
  var OWN_KEYS = "textarea, select, [contenteditable='true'], [role='slider'], [role='tab'], [role='listbox'], " +
    "[role='radiogroup'], [role='menu'], [role='combobox']";
  var pending = 0;
  var before = null;
  var since = 0;
  var refocus = null;
  var NARROW = 700; // px: below this the columns stack and the panel is under the timeline

  function press(selector) {
    var button = document.querySelector(selector);
    if (!button || button.disabled) { return false; }
    before = window.location.search;
    since = Date.now();
    button.click();
    return true;
  }

  function showPassages(slug) {
    if (window.innerWidth >= NARROW) { return; }
    var started = Date.now();
    (function look() {
      var passage = document.querySelector('.atlas-event-passage[data-event="' + CSS.escape(slug) + '"]');
      if (passage) {
        var panel = passage.parentElement.querySelector(".atlas-event-title") || passage;
        panel.scrollIntoView({behavior: "smooth", block: "start"});
      } else if (Date.now() - started < WAIT_MS) {
        setTimeout(look, 50);
      }
    })();
  }

  function keepFocus(slug) {
    refocus = slug;
    var started = Date.now();
    (function look() {
      if (refocus !== slug || Date.now() - started > WAIT_MS) { return; }
      var link = document.querySelector('.atlas-timeline .tl-list a[data-event="' + CSS.escape(slug) + '"]');
      var active = document.activeElement;
      if (link && active !== link && (!active || active === document.body || !active.isConnected ||
          (active.closest && active.closest(".atlas-timeline")))) {
        link.focus({preventScroll: true});
      }
      setTimeout(look, 50);
    })();
  }

  function mark(element, name, on) {
    if (element.classList.contains(name) !== on) { element.classList.toggle(name, on); }
  }

  /* The selection in .tl-state, onto the timeline; changes only what differs, so the changes it
     makes do not call it again. */
  function applyState() {
    var state = document.querySelector(".tl-state");
    if (!state) { return; }
    var selected = state.getAttribute("data-selected") || "";
    var marked = (state.getAttribute("data-marked") || "").split(" ").filter(Boolean);
    var place = state.getAttribute("data-place") || "";
    document.querySelectorAll(".atlas-timeline a[data-event]").forEach(function (link) {
      var slug = link.getAttribute("data-event");
      var item = link.closest(".tl-list li") || link;
      mark(item, "is-selected", slug === selected);
      mark(item, "is-marked", marked.indexOf(slug) >= 0);
      if (item !== link) {
        if (slug === selected && link.getAttribute("aria-current") !== "true") { link.setAttribute("aria-current", "true"); }
        if (slug !== selected && link.hasAttribute("aria-current")) { link.removeAttribute("aria-current"); }
      }
    });
    document.querySelectorAll(".atlas-timeline .tl-legend-marked").forEach(function (legend) {
      var shown = marked.length > 0 && place !== "";
      if (legend.hidden === shown) { legend.hidden = !shown; }
      var name = legend.querySelector(".tl-place-name");
      if (name && name.textContent !== place) { name.textContent = place; }
    });
  }

  var applying = false;
  function scheduleApply() {
    if (applying) { return; }
    applying = true;
    window.requestAnimationFrame(function () { applying = false; applyState(); });
  }
  new MutationObserver(scheduleApply).observe(document.body, {
    childList: true, subtree: true, attributes: true, attributeFilter: ["data-selected", "data-marked", "data-place"]
  });
  applyState();

  document.addEventListener("click", function (event) {
    var link = event.target && event.target.closest ? event.target.closest(".atlas-timeline a[data-event]") : null;
    if (!link || event.defaultPrevented || event.button !== 0) { return; }
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) { return; } // a new tab or window
    var slug = link.getAttribute("data-event");
    if (!window.atlasOpenHere || !window.atlasOpenHere(link.getAttribute("href"))) { return; } // the link loads the page
    event.preventDefault();
    if (link.closest(".tl-list") && window.innerWidth >= NARROW) { keepFocus(slug); }
    showPassages(slug);
  });

  var pumping = false;

  function pump() {
    pumping = false;
    if (before !== null) {
      if (window.location.search === before && Date.now() - since < WAIT_MS) { later(); return; }
      before = null;
    }
    if (pending === 0) { return; }
    var forward = pending > 0;
    pending -= forward ? 1 : -1;
    if (!press(".st-key-event-" + (forward ? "next" : "prev") + " button")) { pending = 0; return; }
    later();
  }

  function later() {
    if (!pumping) { pumping = true; setTimeout(pump, 30); }
  }

  document.addEventListener("keydown", function (event) {
    var step = STEPS[event.key];
    if (!step || event.defaultPrevented || event.ctrlKey || event.altKey || event.metaKey || event.shiftKey) {
      return;
    }
    var el = event.target;
    if (el && el.closest) {
      if (el.isContentEditable || el.closest(OWN_KEYS)) { return; }
      if (el.tagName === "INPUT" && TEXT_INPUT.test(el.type || "text")) { return; }
    }
    if (!document.querySelector(".st-key-event-" + (step > 0 ? "next" : "prev") + " button")) { return; }
    event.preventDefault();
    refocus = null;
    pending = (pending > 0) === (step > 0) || pending === 0 ? pending + step : step;
    if (!pumping) { pump(); }
  });
})();
