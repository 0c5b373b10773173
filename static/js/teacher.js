// Small helpers for the teacher's page; everything also works without this file (plain form posts).
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("js");
  if (window.htmx) root.classList.add("htmx");

  function statusFor(elt) {
    var form = elt && elt.closest ? elt.closest("form") : null;
    var status = form ? form.querySelector(".form-status") : null;
    return status || document.querySelector("#entry-form .form-status");
  }

  // A dropped connection must never cost the teacher what they typed: nothing is swapped, we only say so.
  function showProblem(event, key) {
    var status = statusFor(event.detail && event.detail.elt);
    if (!status || (event.detail.elt && event.detail.elt.id === "meter-preview")) return;
    status.textContent = status.dataset[key];
    status.hidden = false;
  }
  document.addEventListener("htmx:sendError", function (e) { showProblem(e, "network"); });
  document.addEventListener("htmx:timeout", function (e) { showProblem(e, "network"); });
  document.addEventListener("htmx:responseError", function (e) { showProblem(e, "failed"); });
  document.addEventListener("htmx:beforeRequest", function (e) {
    // The meter's own refresh is not a new try: "tap Save again" stays until the teacher does.
    if (e.detail.elt && e.detail.elt.id === "meter-preview") return;
    var status = statusFor(e.detail.elt);
    if (status) status.hidden = true;
  });

  // Quick minute buttons fill the number box and let the meter update as if typed.
  document.addEventListener("click", function (e) {
    var button = e.target.closest ? e.target.closest("[data-minutes]") : null;
    if (!button) return;
    var input = button.form.querySelector("[name=minutes]");
    input.value = button.dataset.minutes;
    input.dispatchEvent(new Event("input", { bubbles: true }));
  });
  document.addEventListener("input", function (e) {
    if (e.target.name !== "minutes" || !e.target.form) return;
    e.target.form.querySelectorAll("[data-minutes]").forEach(function (b) {
      b.setAttribute("aria-pressed", String(b.dataset.minutes === e.target.value));
    });
  });

  // The entry's summary line follows its date fields (#15): it kept the old due date after a change.
  function dayText(value) {
    var parts = (value || "").split("-");
    if (parts.length !== 3) return "—";
    var day = new Date(Number(parts[0]), Number(parts[1]) - 1, Number(parts[2]));
    if (isNaN(day.getTime())) return "—";
    var lang = root.lang || "zh-CN";
    return day.toLocaleDateString(lang, { month: lang.indexOf("zh") === 0 ? "long" : "short", day: "numeric",
                                         weekday: "short" });
  }
  function syncDay(e) {
    var field = e.target;
    if (!field.form || (field.name !== "set_date" && field.name !== "due_date")) return;
    field.form.querySelectorAll("[data-day-of='" + field.name + "']").forEach(function (span) {
      span.textContent = dayText(field.value);
    });
  }
  document.addEventListener("input", syncDay);
  document.addEventListener("change", syncDay);

  // Picking a date shows that day at once.
  document.addEventListener("change", function (e) {
    if (e.target.hasAttribute("data-autosubmit") && e.target.value) e.target.form.submit();
  });

  // A half-typed entry survives a reload and WeChat closing its web view. WeChat clears sessionStorage when
  // the view closes, so drafts live in localStorage, which outlives it: each one carries its time and is
  // dropped after a day (an old draft would come back as if typed today), once saved, and per teacher,
  // class and day (the form's data-draft), so one class's draft never fills another's form.
  var PREFIX = "edulite-draft:";
  var MAX_AGE = 24 * 60 * 60 * 1000;
  var FIELDS = ["description", "minutes", "kind", "location", "required", "subject_id", "due_date", "over_reason"];
  function draftOf(form) {
    var data = {};
    FIELDS.forEach(function (name) {
      var field = form.elements[name];
      if (field) data[name] = field.value;
    });
    return data;
  }
  function store(key, value) {
    try {
      if (value === null) window.localStorage.removeItem(PREFIX + key);
      else window.localStorage.setItem(PREFIX + key, JSON.stringify({ at: Date.now(), fields: value }));
    } catch (err) { /* private mode or full storage: drafts are a convenience only */ }
  }
  function load(key) {
    try {
      var saved = JSON.parse(window.localStorage.getItem(PREFIX + key) || "null");
      if (saved && typeof saved.at === "number" && Date.now() - saved.at < MAX_AGE) return saved.fields;
      if (saved) window.localStorage.removeItem(PREFIX + key);
    } catch (err) { /* unreadable: treated as no draft */ }
    return null;
  }
  // Drafts of days never reopened would otherwise stay on the phone for good.
  function dropOldDrafts() {
    try {
      for (var i = window.localStorage.length - 1; i >= 0; i--) {
        var key = window.localStorage.key(i);
        if (key && key.indexOf(PREFIX) === 0) load(key.slice(PREFIX.length));
      }
    } catch (err) { /* storage unavailable: nothing to tidy */ }
  }
  function restore(form) {
    var saved = load(form.dataset.draft);
    if (!saved || !saved.description) return;
    FIELDS.forEach(function (name) {
      var field = form.elements[name];
      if (field && saved[name] !== undefined) field.value = saved[name];
    });
    form.querySelector("[name=minutes]").dispatchEvent(new Event("input", { bubbles: true }));
  }
  function prepare(form) {
    if (!form || !form.dataset.draft) return;
    if (form.hasAttribute("data-saved")) store(form.dataset.draft, null);
    else if (form.hasAttribute("data-fresh")) restore(form);
  }
  document.addEventListener("input", function (e) {
    var form = e.target.form;
    if (form && form.dataset.draft) store(form.dataset.draft, draftOf(form));
  });
  document.addEventListener("DOMContentLoaded", function () {
    dropOldDrafts();
    prepare(document.getElementById("entry-form"));
  });
  document.addEventListener("htmx:afterSwap", function (e) {
    var form = document.getElementById("entry-form");
    if (!e.detail.target || e.detail.target.id !== "entry-form" || !form) return;
    prepare(form);
    // After a refused save, take the teacher to the first thing to fix rather than leave them at Save.
    if (e.detail.xhr && e.detail.xhr.status === 422) {
      var first = form.querySelector("[aria-invalid=true]") || form.querySelector(".error");
      if (first) {
        first.scrollIntoView({ block: "center" });
        if (first.focus) first.focus({ preventScroll: true });
      }
    }
  });
  document.addEventListener("submit", function (e) {
    // A plain post (htmx missing) leaves the page; a saved entry must not come back as a draft.
    if (!window.htmx && e.target.dataset && e.target.dataset.draft) store(e.target.dataset.draft, null);
  });
})();
