// Feasibility answer form: the decline reason is asked for only when the centre declines.
(function () {
  function sync(form) {
    var reason = form.querySelector("select[name$='decline_reason']");
    if (!reason) return;
    var group = reason.closest(".mb-3") || reason.parentElement;
    var chosen = form.querySelector("input[name$='decision']:checked");
    var declining = chosen && chosen.value === "declined";
    group.hidden = !declining && !reason.value;
  }
  document.querySelectorAll("form[data-testid='answer-form']").forEach(function (form) {
    sync(form);
    form.addEventListener("change", function () { sync(form); });
  });
})();
