/* The presenter link opens this page: /app/static/atlas/presenter.html#room=CODE&presenter=TOKEN
   (&tour=NAME). What follows "#" is never sent to a server, so no proxy or server log and no
   Referer can hold the secret. Here it is kept in the room's presenter cookie (the one
   present-keep.js writes), and the tour page is opened on the room, which it then presents. */
(function () {
  var params = new URLSearchParams(window.location.hash.slice(1));
  var code = (params.get("room") || "").trim().toUpperCase();
  var token = params.get("presenter") || "";
  var tour = params.get("tour") || "";
  var page = new URL("../../../Classroom_tour", window.location.href);
  history.replaceState(null, "", window.location.pathname);  // the secret out of the address bar and history
  if (/^[A-Z0-9]{5}$/.test(code)) {
    if (/^[A-Za-z0-9_-]{32,64}$/.test(token)) {
      var secure = window.location.protocol === "https:" ? "; Secure" : "";
      document.cookie = "atlas_presenter_" + code + "=" + token + "; Path=/; Max-Age=86400; SameSite=Strict" + secure;
    }
    if (/^[a-z][a-z0-9-]{0,31}$/.test(tour)) { page.searchParams.set("tour", tour); }
    page.searchParams.set("room", code);
  }
  window.location.replace(page.href);
})();
