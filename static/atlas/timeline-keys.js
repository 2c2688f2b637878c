/* Left and Right arrows move to the previous and next event of the chronology on the Explore
   page, by pressing its "Earlier event" and "Later event" buttons. Run in the app's own document
   (installed once); keys typed into a field, a menu or the map keep their own meaning.

   Presses are queued: each waits until the address bar shows the event the one before opened,
   so that quick presses each move one event and the link always matches the event shown (a
   press sent with the previous address would be read from that address). */
(function () {
  if (window.__atlasTimelineKeys) { return; }
  window.__atlasTimelineKeys = true;
  var STEPS = {ArrowLeft: -1, ArrowRight: 1};
  var WAIT_MS = 2000;
  var TEXT_INPUT = /^(text|search|email|number|password|tel|url|date|time|datetime-local|month|week|range)$/i;
  var OWN_KEYS = "textarea, select, [contenteditable='true'], [role='slider'], [role='tab'], [role='listbox'], " +
    "[role='radiogroup'], [role='menu'], [role='combobox']";
  var pending = 0;
  var before = null;
  var since = 0;

  function pump() {
    if (before !== null) {
      if (window.location.search === before && Date.now() - since < WAIT_MS) { setTimeout(pump, 30); return; }
      before = null;
    }
    if (pending === 0) { return; }
    var button = document.querySelector(".st-key-event-" + (pending > 0 ? "next" : "prev") + " button");
    if (!button || button.disabled) { pending = 0; return; }
    pending -= pending > 0 ? 1 : -1;
    before = window.location.search;
    since = Date.now();
    button.click();
    setTimeout(pump, 30);
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
    pending = (pending > 0) === (step > 0) || pending === 0 ? pending + step : step;
    if (before === null) { pump(); }
  });
})();
