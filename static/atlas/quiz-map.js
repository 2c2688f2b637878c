/* The live quiz on the tour's map (geo/app/quiz.py), sent with each run's view: while a question is
   open the article's places and their names are hidden (they would give the answer away); the projector draws the
   class's answers as dots (nothing names a student), a phone its own answer. The layer is kept in
   window.feature_group, which the map's front end clears on the next change. */
window.AtlasQuiz = window.AtlasQuiz || (function () {
  /* The article's places (static/atlas/places-map.js) drawn invisible while a question is open, and as
     they were once it closes. */
  function hidePlaces(map, hide) {
    map.eachLayer(function (layer) {
      if (!layer.atlasPlace || !layer.setStyle) { return; }
      if (hide && !layer.atlasQuizStyle) {
        layer.atlasQuizStyle = {opacity: layer.options.opacity, fillOpacity: layer.options.fillOpacity};
        layer.setStyle({opacity: 0, fillOpacity: 0});
      } else if (!hide && layer.atlasQuizStyle) {
        layer.setStyle(layer.atlasQuizStyle);
        layer.atlasQuizStyle = null;
      }
    });
  }

  function show(map, quiz) {
    map.getContainer().classList.toggle("atlas-quiz-open", !!quiz.open);
    hidePlaces(map, !!quiz.open);
    var group = L.featureGroup();
    quiz.dots.forEach(function (dot) {
      /* Once revealed, lighter: the right place's highlight shows through the class's spread. */
      L.circleMarker(dot, {radius: quiz.open ? 7 : 6, weight: 1.5, color: "#1d1d1b", fillColor: "#e8a33d",
                           fillOpacity: quiz.open ? 0.85 : 0.5, interactive: false, className: "atlas-quiz-dot"})
        .addTo(group);
    });
    if (quiz.own) {
      L.circleMarker(quiz.own, {radius: 11, weight: 3, color: "#0b3d91", fillColor: "#4f8fe8", fillOpacity: 0.6,
                                interactive: false, className: "atlas-quiz-own"}).addTo(group);
    }
    group.addTo(map);
    window.feature_group = window.feature_group || [];
    window.feature_group.push(group);
  }
  return {show: show};
})();
