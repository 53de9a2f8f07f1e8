// The browsable API's own behaviour. It lives in a file: the pages' Content-Security-Policy runs no inline script.
(function () {
  "use strict";

  // Picking a shop in the navbar submits the picker (a <noscript> button does it without JavaScript).
  document.querySelectorAll("#tenant-picker select").forEach(function (select) {
    select.addEventListener("change", function () {
      select.form.submit();
    });
  });

  // An empty filter means "any": leave it out of the query string rather than send it blank.
  document.querySelectorAll("form.bookstore-filter-form").forEach(function (form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("input, select").forEach(function (el) {
        if (!el.value || (el.type === "checkbox" && !el.checked)) {
          el.disabled = true;
        }
      });
    });
  });
})();
