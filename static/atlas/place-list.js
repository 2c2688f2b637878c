/* Explore's list of places (geo/app/place_list.py), run in the app's own document (installed once).

   A plain click on a place's link opens it in the same session instead of reloading the page: the
   address becomes the link's (?place=SLUG) and the page reruns on it, as on the browser's Back and
   Forward (window.atlasOpenHere, which the timeline's and the passages' links use too). The links stay
   real links: with a modifier key, or if this script fails, they still open the place. Enter on a
   focused link is a click.

   The search field above the list filters it as one types, on every name and alias of each place
   (data-names: the server folded them, geo.atlas.links.fold; the query is folded the same way here),
   without asking the server: the page then needs no text field of Streamlit's, whose code would
   otherwise load ahead of the map's on a first visit.

   The list is the same for every selection (so a change sends it as a reference); the selected place
   comes in a hidden element, .pl-state, which this script applies: aria-current and is-selected. */
(function () {
  if (window.__atlasPlaceList) { return; }
  window.__atlasPlaceList = true;

  /* Open a link of this page in the same session: its address pushed, then the popstate Streamlit
     answers (as it does for Back and Forward) by running the page on the new address. False when the
     link goes to another page or the browser cannot, so the caller lets the link load. */
  window.atlasOpenHere = function (href) {
    var url;
    try { url = new URL(href, window.location.href); } catch (err) { return false; }
    if (url.origin !== window.location.origin || url.pathname !== window.location.pathname) { return false; }
    if (!window.history || !window.history.pushState || typeof window.PopStateEvent !== "function") { return false; }
    if (url.search !== window.location.search) {
      window.history.pushState(null, "", url.pathname + url.search);
      window.dispatchEvent(new PopStateEvent("popstate", {state: null}));
    }
    return true;
  };

  /* As geo.atlas.links.fold: lower case, accents off, ə as e. */
  function fold(text) {
    return text.toLowerCase().normalize("NFKD").replace(/\p{M}/gu, "").replace(/ə/g, "e");
  }

  var query = ""; // kept here too, should the page draw the list again

  /* Show the places any of whose names contain the query; a group with none is hidden, and an empty
     result says so. */
  function applySearch() {
    var field = document.querySelector(".atlas-place-search input");
    if (!field) { return; }
    if (field.value !== query && document.activeElement !== field) { field.value = query; }
    var q = fold(query.trim());
    var shown = 0;
    document.querySelectorAll(".atlas-place-list ul").forEach(function (list) {
      var inList = 0;
      list.querySelectorAll("li[data-names]").forEach(function (item) {
        var on = !q || item.getAttribute("data-names").split("\n").some(function (name) { return name.indexOf(q) >= 0; });
        if (item.hidden === on) { item.hidden = !on; }
        inList += on ? 1 : 0;
      });
      var group = list.previousElementSibling;
      if (list.hidden === (inList > 0)) { list.hidden = inList === 0; }
      if (group && group.hidden === (inList > 0)) { group.hidden = inList === 0; }
      shown += inList;
    });
    var none = document.querySelector(".atlas-place-search .pl-none");
    var message = shown ? "" : "No place has that name. Try another spelling.";
    if (none && none.textContent !== message) { none.textContent = message; }
    if (none && none.hidden !== !message) { none.hidden = !message; }
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
    applySearch();
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

  document.addEventListener("input", function (event) {
    var field = event.target && event.target.closest ? event.target.closest(".atlas-place-search input") : null;
    if (!field) { return; }
    query = field.value.slice(0, 200);
    applySearch();
  });

  document.addEventListener("click", function (event) {
    var link = event.target && event.target.closest ? event.target.closest(".atlas-place-list a[data-place]") : null;
    if (!link || event.defaultPrevented || event.button !== 0) { return; }
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) { return; } // a new tab or window
    if (window.atlasOpenHere(link.getAttribute("href"))) { event.preventDefault(); }
  });
})();
