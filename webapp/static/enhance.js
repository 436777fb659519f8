// Small enhancements only: with JavaScript off every control still works through the form's buttons.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var form = document.getElementById("search-form");
  if (!form) { return; }
  // A ticked or unticked filter, or a new sort order, applies at once.
  form.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches(".checkbox__input, .sort__select")) {
      if (typeof form.requestSubmit === "function") { form.requestSubmit(); } else { form.submit(); }
    }
  });
  // Empty fields would only clutter the address: leave them out of the submitted search.
  form.addEventListener("submit", function () {
    Array.prototype.forEach.call(form.querySelectorAll("input[name], select[name]"), function (field) {
      if (!field.value && field.type !== "checkbox") { field.disabled = true; }
    });
  });
  // The back button restores a page from cache with the fields disabled above: enable them again.
  window.addEventListener("pageshow", function () {
    Array.prototype.forEach.call(form.querySelectorAll("[disabled]"), function (field) { field.disabled = false; });
  });
})();
