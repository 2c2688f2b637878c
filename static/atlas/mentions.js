/* Mentions of places in the text, as links that show the place without leaving the page.

   In the article reader (and the static article.html) a click on a mention moves the map to
   the place and marks every mention of it; the address names the place (?place=...) so the view can
   be shared; j and k (or the arrow keys on a mention) jump between that place's mentions. In
   Explore's passages a click opens the place in the same session (window.atlasOpenHere, place-list.js). Without
   this script every mention is still an ordinary link to its place. Installed once. */
(function () {
  if (window.__atlasMentions) { return; }
  window.__atlasMentions = true;
  var current = null;

  function mapWindow() {
    if (window.atlasFocus) { return window; }
    var frame = document.querySelector("iframe[title*='folium']");
    try { return frame && frame.contentWindow && frame.contentWindow.atlasFocus ? frame.contentWindow : null; }
    catch (err) { return null; }
  }

  function focusMap(slug, tries) {
    var target = mapWindow();
    if (target) { target.atlasFocus(slug); return; }
    if ((tries || 0) < 150) { setTimeout(function () { focusMap(slug, (tries || 0) + 1); }, 100); }
  }

  function mentionsOf(slug) {
    return Array.prototype.slice.call(
      document.querySelectorAll(".atlas-article a.atlas-mention[data-slug='" + slug + "']"));
  }

  function select(slug, link, scroll) {
    current = slug;
    document.querySelectorAll(".atlas-article a.atlas-mention.is-current").forEach(function (a) {
      a.classList.remove("is-current");
    });
    var found = mentionsOf(slug);
    found.forEach(function (a) { a.classList.add("is-current"); });
    if (window.history && window.history.replaceState && !window.ATLAS_PAGE) {
      var url = new URL(window.location.href);
      url.searchParams.set("place", slug);
      window.history.replaceState(window.history.state, "", url);
    }
    focusMap(slug);
    if (scroll && found.length) { found[0].scrollIntoView({block: "center"}); }
    return link || found[0] || null;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.atlas-mention[data-slug]");
    if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) { return; }
    var slug = link.getAttribute("data-slug");
    if (link.closest(".atlas-article")) {
      event.preventDefault();
      select(slug, link, false);
      return;
    }
    if (window.atlasOpenHere && window.atlasOpenHere(link.getAttribute("href"))) { event.preventDefault(); }
  });

  document.addEventListener("keydown", function (event) {
    if (!current || event.ctrlKey || event.metaKey || event.altKey) { return; }
    var el = event.target;
    if (el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName))) { return; }
    var onMention = el && el.matches && el.matches(".atlas-article a.atlas-mention");
    var step = {j: 1, k: -1}[event.key];
    if (step === undefined && onMention) { step = {ArrowDown: 1, ArrowUp: -1}[event.key]; }
    if (step === undefined) { return; }
    var found = mentionsOf(current);
    if (!found.length) { return; }
    var at = found.indexOf(document.activeElement);
    var next = found[(at < 0 ? (step > 0 ? 0 : found.length - 1) : (at + step + found.length) % found.length)];
    event.preventDefault();
    next.focus();
    next.scrollIntoView({block: "center"});
  });

  /* A link that names a place (?place=...) opens the reader on it: its first mention in view. */
  function openFromAddress(tries) {
    var slug = window.ATLAS_PAGE ? window.ATLAS_PAGE.selected : new URL(window.location.href).searchParams.get("place");
    if (!slug || !/^[a-z0-9-]+$/.test(slug)) { return; }
    if (!document.querySelector(".atlas-article")) {
      if ((tries || 0) < 150) { setTimeout(function () { openFromAddress((tries || 0) + 1); }, 100); }
      return;
    }
    select(slug, null, true);
  }
  openFromAddress(0);
})();
