// Draw every chart whose Chart.js config the server put in a <script type="application/json"> tag.
// Runs on htmx.onLoad (the first page and every swapped fragment); an old chart is destroyed first.
// The only chart loader: every page with a chart uses the chart() macro of templates/macros/principal.html.
(function () {
  "use strict";

  // htmx strips every <script> from swapped content when allowScriptTags is off (our CSP hardening),
  // JSON ones included; so the configs of an incoming fragment are read from the raw response first.
  var incoming = {};

  function destroy(canvas) {
    var old = window.Chart && window.Chart.getChart(canvas);
    if (old) { old.destroy(); }
  }

  function config(id) {
    var source = document.getElementById(id);
    var text = source ? source.textContent : incoming[id];
    delete incoming[id];
    return text ? JSON.parse(text) : null;
  }

  function build(root) {
    if (!window.Chart || !root.querySelectorAll) { return; }
    window.Chart.defaults.font.family = window.getComputedStyle(document.body).fontFamily;
    root.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var settings = config(canvas.dataset.chart);
      if (!settings) { return; }
      destroy(canvas);
      // A box whose height follows its data (one bar per class) says so in data-height. Set through the
      // CSSOM, which the CSP allows; a style attribute in the markup would be refused.
      var box = canvas.parentElement;
      if (box && box.dataset.height) { box.style.height = box.dataset.height + "px"; }
      new window.Chart(canvas, settings);
    });
  }

  if (window.htmx) {
    window.htmx.onLoad(build);
    document.addEventListener("htmx:beforeSwap", function (event) {
      if (!event.detail.shouldSwap) { return; }  // a refused response leaves the charts on screen as they are
      // Charts about to be swapped out release their canvases and listeners.
      event.detail.target.querySelectorAll("canvas[data-chart]").forEach(destroy);
      var parsed = new DOMParser().parseFromString(event.detail.serverResponse || "", "text/html");
      parsed.querySelectorAll('script[type="application/json"][id]').forEach(function (script) {
        incoming[script.id] = script.textContent;
      });
    });
  } else {
    document.addEventListener("DOMContentLoaded", function () { build(document); });
  }
})();
