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
})();
