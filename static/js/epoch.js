// EPOCH's small behaviours, kept out of the templates so the content security policy can stay at 'self'.
(function () {
  "use strict";
  // Ask once before a destructive action: <form data-confirm="Erase this contact?">.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  }, true);
  // Copy a value to the clipboard: <button data-copy="#token-key">.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var source = document.querySelector(button.getAttribute("data-copy"));
    if (source && navigator.clipboard) {
      navigator.clipboard.writeText(source.textContent.trim());
      button.textContent = "Copied";
    }
  });
  // A table box that scrolls sideways (on a phone) can be scrolled from the keyboard too (WCAG 2.1.1): it takes
  // focus while it overflows. Checked on load, after htmx swaps and when the window changes size.
  function focusScrollingBoxes() {
    document.querySelectorAll(".table-responsive, .matrix-wrap").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth || box.scrollHeight > box.clientHeight) {
        box.setAttribute("tabindex", "0");
      } else if (box.getAttribute("tabindex") === "0") {
        box.removeAttribute("tabindex");
      }
    });
  }
  document.addEventListener("DOMContentLoaded", focusScrollingBoxes);
  document.addEventListener("htmx:afterSettle", focusScrollingBoxes);
  window.addEventListener("resize", focusScrollingBoxes);
  document.addEventListener("toggle", focusScrollingBoxes, true);
  // Bulk actions on lists: the header's box (shown only with JavaScript) ticks or clears every row of the page.
  document.querySelectorAll("[data-select-all]").forEach(function (box) {
    box.hidden = false;
    box.addEventListener("change", function () {
      document.querySelectorAll('input[name="selected"][form="' + box.getAttribute("form") + '"]').forEach(function (row) {
        row.checked = box.checked;
      });
    });
  });
})();
