/* Back to the top: an atlas opened from "Map your own article" starts at its banner and title,
   not at the height the review was scrolled to (the page's scrolling container stays the same
   across Streamlit's page switch). Runs each time geo/app/banner.py adds it. */
(function () {
  var main = document.querySelector("[data-testid='stMain']");
  if (main) { main.scrollTop = 0; }
  window.scrollTo(0, 0);
})();
