// Draws each after-school chart from the Chart.js config the server put in a JSON script tag.
// Runs on every htmx swap (htmx.onLoad) and destroys the chart a canvas held before.
(function () {
  "use strict";

  function draw(root) {
    if (typeof Chart === "undefined") {
      return;  // the table below the chart carries the same numbers
    }
    root.querySelectorAll("script.as-chart-config").forEach(function (tag) {
      var canvas = document.getElementById(tag.dataset.canvas);
      if (!canvas) {
        return;
      }
      var box = canvas.parentElement;
      if (box && box.dataset.height) {
        box.style.height = box.dataset.height + "px";
      }
      var old = Chart.getChart(canvas);
      if (old) {
        old.destroy();
      }
      new Chart(canvas, JSON.parse(tag.textContent));
    });
  }

  if (window.htmx) {
    htmx.onLoad(draw);
  } else {
    document.addEventListener("DOMContentLoaded", function () { draw(document); });
  }
})();
