/* The presenter's screen keeps its presenter token in a cookie of this site, so that a reload
   (a new Streamlit session) is the presenter again without the token in the address bar,
   where a projector would show it to the class. Reads the element present_keep.html renders,
   then removes it, so the token does not stay in the page. */
(function () {
  var keeps = document.querySelectorAll(".atlas-presenter-keep");
  for (var i = 0; i < keeps.length; i++) {
    var el = keeps[i];
    var name = el.dataset.name, value = el.dataset.value || "", age = parseInt(el.dataset.maxAge, 10) || 0;
    if (/^atlas_presenter_[A-Z0-9]+$/.test(name) && /^[A-Za-z0-9_-]*$/.test(value)) {
      var secure = window.location.protocol === "https:" ? "; Secure" : "";
      document.cookie = name + "=" + value + "; Path=/; Max-Age=" + (value ? age : 0) + "; SameSite=Strict" + secure;
    }
    el.remove();
  }
})();
