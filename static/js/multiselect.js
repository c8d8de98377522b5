// Searchable multi-select (request form): each [data-multiselect] list of checkboxes gets a search box, a
// scrolling list and the chosen items as removable chips. The checkboxes stay the form's fields, so the form
// works without JavaScript, and every change still bubbles up to the live matches preview (htmx, on change).
// A capability with a quantity shows its threshold inputs only while it is chosen.
(function () {
  function labelOf(input) {
    var label = input.closest("label");
    return label ? label.textContent.trim() : input.value;
  }

  function rowOf(input) {
    return input.closest(".multiselect > div > div") || input.parentElement;
  }

  function enhance(box) {
    var inputs = Array.prototype.slice.call(box.querySelectorAll("input[type=checkbox]"));
    if (!inputs.length) return;
    var what = box.getAttribute("data-multiselect") || "options";
    var list = box.firstElementChild;

    var chosen = document.createElement("ul");
    chosen.className = "multiselect-chosen list-unstyled";
    chosen.setAttribute("aria-label", "Chosen " + what);

    var search = document.createElement("input");
    search.type = "search";
    search.className = "form-control form-control-sm multiselect-search";
    search.placeholder = "Search " + what;
    search.setAttribute("aria-label", "Search " + what);
    if (list && list.id) search.setAttribute("aria-controls", list.id);

    box.insertBefore(search, list);
    box.insertBefore(chosen, search);
    box.classList.add("multiselect-enhanced");

    function render() {
      while (chosen.firstChild) chosen.removeChild(chosen.firstChild);
      inputs.forEach(function (input) {
        var threshold = rowOf(input).querySelector("[data-threshold]");
        if (threshold) threshold.hidden = !input.checked;
        if (!input.checked) return;
        var item = document.createElement("li");
        item.className = "badge text-bg-primary multiselect-chip";
        item.appendChild(document.createTextNode(labelOf(input)));
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "btn-close btn-close-white";
        remove.setAttribute("aria-label", "Remove " + labelOf(input));
        remove.addEventListener("click", function () {
          input.checked = false;
          input.dispatchEvent(new Event("change", { bubbles: true }));
        });
        item.appendChild(remove);
        chosen.appendChild(item);
      });
      chosen.hidden = !chosen.firstChild;
    }

    search.addEventListener("input", function () {
      var query = search.value.trim().toLowerCase();
      inputs.forEach(function (input) {
        rowOf(input).hidden = query !== "" && labelOf(input).toLowerCase().indexOf(query) === -1;
      });
    });
    // Enter in the search box ticks the only match instead of submitting the form.
    search.addEventListener("keydown", function (event) {
      if (event.key !== "Enter") return;
      event.preventDefault();
      var visible = inputs.filter(function (input) { return !rowOf(input).hidden; });
      if (visible.length === 1 && !visible[0].checked) {
        visible[0].checked = true;
        visible[0].dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
    box.addEventListener("change", render);
    render();
  }

  document.querySelectorAll("[data-multiselect]").forEach(enhance);
})();
