/* A saved storyline's edit link opens this page: /app/static/atlas/story-editor.html#tour=SLUG&edit=SECRET
   (&atlas=SLUG). What follows "#" is never sent to a server, so no proxy or server log and no Referer
   can hold the secret. Here it is kept in a cookie of this site named for the storyline, which the page
   Make a tour reads (geo/app/editor.py), and that page is opened on the storyline. */
(function () {
  var params = new URLSearchParams(window.location.hash.slice(1));
  var slug = params.get("tour") || "";
  var secret = params.get("edit") || "";
  var atlas = params.get("atlas") || "";
  var page = new URL("../../../Make_a_tour", window.location.href);
  history.replaceState(null, "", window.location.pathname);  // the secret out of the address bar and history
  if (/^[a-z][a-z0-9-]{0,24}-[0-9a-f]{6}$/.test(slug)) {
    if (/^[A-Za-z0-9_-]{32,64}$/.test(secret)) {
      var secure = window.location.protocol === "https:" ? "; Secure" : "";
      document.cookie = "atlas_editor_" + slug + "=" + secret + "; Path=/; Max-Age=2592000; SameSite=Strict" + secure;
    }
    page.searchParams.set("tour", slug);
    if (/^[a-z0-9][a-z0-9-]{0,62}$/.test(atlas)) { page.searchParams.set("atlas", atlas); }
  }
  window.location.replace(page.href);
})();
