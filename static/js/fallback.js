// The pinned front-end libraries come from the CDN first and, when it fails (unreachable, blocked, or a file
// that does not match its SRI hash), from Edulite itself (#15). Loaded before them, not deferred: it must be
// listening when their error arrives. Under the strict CSP nothing here is inline; the local copy is a
// same-origin script with the same integrity hash. The copy is added once the page has loaded: htmx started
// after DOMContentLoaded but before "complete" would wait for an event that never comes again.
(function () {
  "use strict";
  var root = document.documentElement;

  function announce(name, ok) {
    document.dispatchEvent(new CustomEvent(ok ? "edulite:asset-loaded" : "edulite:asset-failed",
                                           { detail: { name: name } }));
  }

  function loadLocal(tag) {
    var local = document.createElement("script");
    local.src = tag.dataset.fallback;
    local.integrity = tag.integrity;
    local.dataset.asset = tag.dataset.asset;
    local.addEventListener("load", function () {
      if (tag.dataset.asset === "htmx") root.classList.add("htmx");
      announce(tag.dataset.asset, true);
    });
    local.addEventListener("error", function () { announce(tag.dataset.asset, false); });
    document.head.appendChild(local);
  }

  window.addEventListener("error", function (event) {
    var tag = event.target;
    if (!tag || tag.tagName !== "SCRIPT" || !tag.dataset || !tag.dataset.asset) return;
    if (!tag.dataset.fallback || tag.dataset.triedLocal) {
      announce(tag.dataset.asset, false);
      return;
    }
    tag.dataset.triedLocal = "1";
    root.classList.add("asset-fallback");
    if (document.readyState === "complete") loadLocal(tag);
    else window.addEventListener("load", function () { loadLocal(tag); });
  }, true);
})();
