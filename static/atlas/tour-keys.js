/* Presenter keys and step buttons for the classroom tour, run in the app's own document (installed once).
   Right/Left, Page Down/Page Up and Space move between steps; Home and End jump to the
   first and last. A click on the map moves focus into its frame, so the keys are
   listened for there too. The step buttons a reader sees are drawn with the step
   (tour_buttons.html, `data-tour-action`); a press of one, or its key, presses the page's
   hidden Streamlit button of the same action (`.st-key-tour-ACTION`), unless it is disabled. */
(function () {
  if (window.__atlasTourKeys) { return; }
  window.__atlasTourKeys = true;
  var ACTIONS = {ArrowRight: "next", PageDown: "next", " ": "next", ArrowLeft: "prev", PageUp: "prev",
                 Home: "first", End: "last"};
  var TEXT_INPUT = /^(text|search|email|number|password|tel|url|date|time|datetime-local|month|week)$/i;

  function onKey(event) {
    if (event.defaultPrevented || event.ctrlKey || event.altKey || event.metaKey) { return; }
    var action = ACTIONS[event.key];
    if (event.key === " " && event.shiftKey) { action = "prev"; }
    if (!action) { return; }
    var el = event.target;
    if (el && el.closest) {
      if (el.isContentEditable || el.closest("textarea, select, [contenteditable='true']")) { return; }
      if (el.tagName === "INPUT" && TEXT_INPUT.test(el.type || "text")) { return; }
      /* Space on a focused button or switch keeps its own meaning. */
      if (event.key === " " && el.closest("button, input, [role='switch'], [role='checkbox'], a")) { return; }
    }
    var button = document.querySelector('[data-tour-action="' + action + '"]');
    if (!button) { return; }
    event.preventDefault();
    press(button);
  }

  function press(button) {
    if (button.disabled) { return; }
    var hidden = document.querySelector(".st-key-tour-" + button.getAttribute("data-tour-action") + " button");
    if (hidden) { hidden.click(); }
  }

  function onClick(event) {
    var button = event.target && event.target.closest && event.target.closest("button[data-tour-action]");
    if (!button) { return; }
    event.preventDefault();
    press(button);
  }

  document.addEventListener("keydown", onKey);
  document.addEventListener("click", onClick);
  window.addEventListener("blur", function () {
    setTimeout(function () {
      var frame = document.activeElement;
      if (!frame || frame.tagName !== "IFRAME" || !/folium/.test(frame.title || "")) { return; }
      try {
        var inner = frame.contentDocument;
        if (inner && !inner.__atlasTourKeys) {
          inner.__atlasTourKeys = true;
          inner.addEventListener("keydown", onKey, true);
        }
      } catch (err) { /* another origin: leave it alone */ }
    }, 0);
  });
})();
