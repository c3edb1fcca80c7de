// Review screen: zoom the original, highlight where a field was read, keyboard shortcuts.
(function () {
  "use strict";
  const provenance = JSON.parse(document.getElementById("provenance-data").textContent || "{}");
  const viewer = document.getElementById("viewer");
  const pages = Array.from(document.querySelectorAll(".pagebox"));
  let zoom = 1;
  function applyZoom() {
    pages.forEach(function (p) { p.style.width = (zoom * 100) + "%"; });
    document.getElementById("zoom-label").textContent = Math.round(zoom * 100) + "%";
  }
  document.querySelectorAll("[data-zoom]").forEach(function (b) {
    b.addEventListener("click", function () {
      const step = Number(b.dataset.zoom);
      zoom = step === 0 ? 1 : Math.min(4, Math.max(0.5, zoom + step * 0.25));
      applyZoom();
    });
  });
  if (viewer) viewer.addEventListener("wheel", function (e) {
    if (!e.ctrlKey) return;
    e.preventDefault();
    zoom = Math.min(4, Math.max(0.5, zoom - Math.sign(e.deltaY) * 0.1));
    applyZoom();
  }, { passive: false });

  function highlight(name) {
    document.querySelectorAll(".pagebox .hl").forEach(function (h) { h.remove(); });
    document.querySelectorAll(".field.focused").forEach(function (f) { f.classList.remove("focused"); });
    const p = provenance[name];
    const field = document.querySelector('.field[data-field="' + name + '"]');
    if (field) field.classList.add("focused");
    if (!p || !p.bbox || !pages.length) return;
    const page = pages.find(function (x) { return Number(x.dataset.page) === Number(p.page || 1); }) || pages[0];
    const img = page.querySelector("img");
    const w = Number(p.page_width) || img.naturalWidth || 1, h = Number(p.page_height) || img.naturalHeight || 1;
    const [x0, y0, x1, y1] = p.bbox;
    const box = document.createElement("div");
    box.className = "hl";
    box.dataset.testid = "provenance-box";
    box.setAttribute("data-testid", "provenance-box");
    box.style.left = (100 * x0 / w) + "%";
    box.style.top = (100 * y0 / h) + "%";
    box.style.width = (100 * (x1 - x0) / w) + "%";
    box.style.height = (100 * (y1 - y0) / h) + "%";
    page.appendChild(box);
    box.scrollIntoView({ block: "center", behavior: "smooth" });
  }
  document.querySelectorAll(".field[data-field]").forEach(function (f) {
    const input = f.querySelector("input, select");
    if (input) input.addEventListener("focus", function () { highlight(f.dataset.field); });
  });

  const supplier = document.getElementById("supplier");
  const newSupplier = document.getElementById("new-supplier");
  if (supplier && newSupplier) {
    const sync = function () { newSupplier.hidden = supplier.value !== "new"; };
    supplier.addEventListener("change", sync); sync();
  }

  const form = document.getElementById("review-form");
  document.addEventListener("keydown", function (e) {
    if ((e.metaKey || e.ctrlKey) && e.key === "s") {
      e.preventDefault();
      const save = form && form.querySelector("[data-testid=save]");
      if (save) save.click();
      return;
    }
    if ((e.metaKey || e.ctrlKey) && e.key === "Enter") {
      const record = form && form.querySelector("[data-testid=record]");
      if (record) { document.getElementById("advance").value = "1"; record.click(); }
      return;
    }
    if (e.target.matches("input, select, textarea") || e.metaKey || e.ctrlKey || e.altKey) return;
    if (e.key === "n") { const next = document.getElementById("next-doc"); if (next) window.location = next.href; }
    if (e.key === "+" || e.key === "=") { zoom = Math.min(4, zoom + 0.25); applyZoom(); }
    if (e.key === "-") { zoom = Math.max(0.5, zoom - 0.25); applyZoom(); }
  });
})();
