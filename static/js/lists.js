// Document lists: keyboard navigation (j/k, Enter, x, /), row click, bulk selection.
// Rows of documents still being read are replaced in place (htmx), so handlers are delegated and
// the rows are looked up each time.
(function () {
  "use strict";
  function allRows() { return Array.from(document.querySelectorAll("tr[data-href]")); }
  let rows = allRows();
  let cursor = -1;
  function move(to) {
    rows = allRows();
    if (!rows.length) return;
    if (cursor >= 0 && rows[cursor]) rows[cursor].classList.remove("cursor");
    cursor = Math.max(0, Math.min(rows.length - 1, to));
    rows[cursor].classList.add("cursor");
    rows[cursor].scrollIntoView({ block: "nearest" });
  }
  document.addEventListener("keydown", function (e) {
    const t = e.target;
    if (t.matches("input, select, textarea") || e.metaKey || e.ctrlKey || e.altKey) return;
    if (e.key === "j" || e.key === "ArrowDown") { move(cursor + 1); e.preventDefault(); }
    else if (e.key === "k" || e.key === "ArrowUp") { move(cursor - 1); e.preventDefault(); }
    else if (e.key === "Enter" && cursor >= 0 && rows[cursor]) { window.location = rows[cursor].dataset.href; }
    else if (e.key === "x" && cursor >= 0) {
      const box = rows[cursor].querySelector("input[type=checkbox]");
      if (box) { box.checked = !box.checked; box.dispatchEvent(new Event("change", { bubbles: true })); }
    } else if (e.key === "/") { const q = document.querySelector("input[name=q]"); if (q) { q.focus(); e.preventDefault(); } }
  });
  document.addEventListener("click", function (e) {
    const row = e.target.closest("tr[data-href]");
    if (!row || e.target.closest("a, input, label, button")) return;
    window.location = row.dataset.href;
  });
  const bar = document.getElementById("bulkbar");
  const all = document.getElementById("select-all");
  function boxes() { return Array.from(document.querySelectorAll("input[name=ids]")); }
  function update() {
    const n = boxes().filter(function (b) { return b.checked; }).length;
    if (bar) { bar.hidden = n === 0; document.getElementById("selcount").textContent = n; }
  }
  // A row replaced while it was selected comes back selected.
  const selected = new Set();
  document.addEventListener("change", function (e) {
    if (!e.target.matches("input[name=ids]")) return;
    if (e.target.checked) { selected.add(e.target.value); } else { selected.delete(e.target.value); }
    update();
  });
  document.addEventListener("htmx:load", function (e) {
    rows = allRows();
    const box = e.detail.elt.querySelector && e.detail.elt.querySelector("input[name=ids]");
    if (box && selected.has(box.value)) box.checked = true;
    update();
  });
  if (all) all.addEventListener("change", function () {
    boxes().forEach(function (b) { b.checked = all.checked; if (all.checked) { selected.add(b.value); } else { selected.delete(b.value); } });
    update();
  });
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
