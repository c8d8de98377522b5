// Engagement quick log: a ticked type-ahead result moves up to the picked list, so the next search keeps it.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches(".picker input[type=checkbox]")) return;
    var picker = box.closest(".picker");
    var item = box.closest(".form-check");
    if (box.checked && item.closest("[data-picker-results]")) {
      picker.querySelector("[data-picker-selected]").appendChild(item);
      var search = picker.querySelector("input[type=search]");
      if (search) { search.value = ""; search.focus(); }
      picker.querySelector("[data-picker-results]").innerHTML = "";
    } else if (!box.checked && item.closest("[data-picker-selected]")) {
      item.remove();
    }
  });
})();
