// Draw every chart whose Chart.js config the server put in a <script type="application/json"> tag.
// Runs on htmx.onLoad (the first page and every swapped fragment); an old chart is destroyed first.
(function () {
  "use strict";

  function destroy(canvas) {
    var old = window.Chart && window.Chart.getChart(canvas);
    if (old) { old.destroy(); }
  }

  function build(root) {
    if (!window.Chart || !root.querySelectorAll) { return; }
    window.Chart.defaults.font.family = window.getComputedStyle(document.body).fontFamily;
    root.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var source = document.getElementById(canvas.dataset.chart);
      if (!source) { return; }
      destroy(canvas);
      new window.Chart(canvas, JSON.parse(source.textContent));
    });
  }

  if (window.htmx) {
    window.htmx.onLoad(build);
    // Charts about to be swapped out release their canvases and listeners.
    document.addEventListener("htmx:beforeSwap", function (event) {
      event.detail.target.querySelectorAll("canvas[data-chart]").forEach(destroy);
    });
  } else {
    document.addEventListener("DOMContentLoaded", function () { build(document); });
  }
})();
