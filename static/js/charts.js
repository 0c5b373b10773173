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

  var chartsFailed = false;

  function build(root) {
    if (chartsFailed) { missing(); }
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

  // Where Chart.js could not be loaded at all (CDN and local copy both failed), each chart says so in words
  // instead of staying an empty white box (#15).
  function missing() {
    if (window.Chart) return;
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var box = canvas.parentElement;
      if (!box || box.querySelector(".chart-missing")) return;
      var note = document.createElement("p");
      note.className = "chart-missing";
      note.setAttribute("role", "note");
      note.textContent = canvas.dataset.missing || "This chart cannot be drawn.";
      box.appendChild(note);
      box.classList.add("chart-failed");
    });
  }
  document.addEventListener("edulite:asset-failed", function (event) {
    if (event.detail.name === "chartjs") { chartsFailed = true; missing(); }
  });
  document.addEventListener("edulite:asset-loaded", function (event) {
    if (event.detail.name === "chartjs") build(document);
    // htmx came late, from the local copy: hook the fragments it will swap in from now on.
    if (event.detail.name === "htmx" && !hooked) hook();
  });

  var hooked = false;
  function hook() {
    hooked = true;
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
  }
  if (window.htmx) {
    hook();
  } else {
    document.addEventListener("DOMContentLoaded", function () { build(document); });
  }
})();
