// Document lists: keyboard navigation (j/k, Enter, x, /), row click, bulk selection.
(function () {
  "use strict";
  const rows = Array.from(document.querySelectorAll("tr[data-href]"));
  let cursor = -1;
  function move(to) {
    if (!rows.length) return;
    if (cursor >= 0) rows[cursor].classList.remove("cursor");
    cursor = Math.max(0, Math.min(rows.length - 1, to));
    rows[cursor].classList.add("cursor");
    rows[cursor].scrollIntoView({ block: "nearest" });
  }
  document.addEventListener("keydown", function (e) {
    const t = e.target;
    if (t.matches("input, select, textarea") || e.metaKey || e.ctrlKey || e.altKey) return;
    if (e.key === "j" || e.key === "ArrowDown") { move(cursor + 1); e.preventDefault(); }
    else if (e.key === "k" || e.key === "ArrowUp") { move(cursor - 1); e.preventDefault(); }
    else if (e.key === "Enter" && cursor >= 0) { window.location = rows[cursor].dataset.href; }
    else if (e.key === "x" && cursor >= 0) {
      const box = rows[cursor].querySelector("input[type=checkbox]");
      if (box) { box.checked = !box.checked; update(); }
    } else if (e.key === "/") { const q = document.querySelector("input[name=q]"); if (q) { q.focus(); e.preventDefault(); } }
  });
  rows.forEach(function (row, i) {
    row.addEventListener("click", function (e) {
      if (e.target.closest("a, input, label, button")) return;
      window.location = row.dataset.href;
    });
  });
  const bar = document.getElementById("bulkbar");
  const all = document.getElementById("select-all");
  const boxes = Array.from(document.querySelectorAll("input[name=ids]"));
  function update() {
    const n = boxes.filter(function (b) { return b.checked; }).length;
    if (bar) { bar.hidden = n === 0; document.getElementById("selcount").textContent = n; }
  }
  boxes.forEach(function (b) { b.addEventListener("change", update); });
  if (all) all.addEventListener("change", function () { boxes.forEach(function (b) { b.checked = all.checked; }); update(); });
  const action = document.getElementById("bulk-action");
  if (action) {
    const assign = document.getElementById("bulk-assign"), project = document.getElementById("bulk-project");
    function sync() {
      assign.hidden = assign.disabled = action.value !== "assign";
      project.hidden = project.disabled = action.value !== "set_project";
    }
    action.addEventListener("change", sync); sync();
    document.getElementById("bulk-form").addEventListener("submit", function (e) {
      if (action.value === "delete" && !window.confirm("Delete the selected documents?")) e.preventDefault();
    });
  }
})();
