// Review screen, structured e-invoices: highlight the rendered value a field was read from (its provenance
// names an XML element path), and switch between the PDF's pages and the e-invoice data.
(function () {
  "use strict";
  const provenance = JSON.parse(document.getElementById("provenance-data").textContent || "{}");
  const sheet = document.getElementById("einvoice-sheet");
  if (!sheet) return;
  const toggle = document.getElementById("einvoice-toggle");
  const pages = Array.from(document.querySelectorAll(".pagebox:not(.einv-page)"));

  function showSheet(on) {
    if (!toggle) return;
    sheet.hidden = !on;
    pages.forEach(function (p) { p.hidden = on; });
    toggle.setAttribute("aria-pressed", on ? "true" : "false");
    toggle.textContent = on ? "Pages" : "E-invoice data";
  }
  if (toggle) toggle.addEventListener("click", function () { showSheet(sheet.hidden); });

  function byPath(path) {
    return Array.from(sheet.querySelectorAll("[data-xml-path]")).filter(function (el) {
      return el.dataset.xmlPath === path;
    });
  }
  // The exact element; else one whose path ends the same way (an envelope adds leading segments);
  // else the nearest rendered ancestor.
  function target(path) {
    let found = byPath(path);
    if (found.length) return found[0];
    const parts = path.split("/").filter(Boolean);
    for (let keep = parts.length - 1; keep >= 2; keep--) {
      const tail = "/" + parts.slice(parts.length - keep).join("/");
      found = Array.from(sheet.querySelectorAll("[data-xml-path]")).filter(function (el) {
        return el.dataset.xmlPath.endsWith(tail);
      });
      if (found.length) return found[0];
    }
    for (let cut = parts.length - 1; cut >= 2; cut--) {
      found = byPath("/" + parts.slice(0, cut).join("/"));
      if (found.length) return found[0];
    }
    return null;
  }

  function highlight(name) {
    sheet.querySelectorAll(".einv-hl").forEach(function (el) { el.classList.remove("einv-hl"); });
    const p = provenance[name];
    if (!p || !p.xml_path) return;
    const el = target(p.xml_path);
    if (!el) return;
    if (sheet.hidden) showSheet(true);
    el.classList.add("einv-hl");
    el.scrollIntoView({ block: "center", behavior: "smooth" });
  }
  // A line of the form: the rendered line with the same description (and total, when several share it).
  function highlightLine(lineId) {
    sheet.querySelectorAll(".einv-hl").forEach(function (el) { el.classList.remove("einv-hl"); });
    const value = function (name) {
      const input = document.querySelector('[name="line-' + lineId + "-" + name + '"]');
      return input ? input.value.trim() : "";
    };
    const description = value("description"), total = value("total").replace(/,/g, "");
    const rows = Array.from(sheet.querySelectorAll("tbody.einv-line")).filter(function (row) {
      const item = row.querySelector(".einv-item");
      return item && item.textContent.trim() === description;
    });
    const exact = rows.filter(function (row) {
      const cell = row.querySelector("td.amount");
      return cell && cell.textContent.replace(/[,\s]/g, "") === total;
    });
    const row = exact[0] || rows[0];
    if (!row) return;
    if (sheet.hidden) showSheet(true);
    row.classList.add("einv-hl");
    row.scrollIntoView({ block: "center", behavior: "smooth" });
  }
  document.querySelectorAll('input[name^="line-"], select[name^="line-"]').forEach(function (input) {
    const match = /^line-(\d+)-/.exec(input.name);
    if (match) input.addEventListener("focus", function () { highlightLine(match[1]); });
  });

  document.querySelectorAll(".field[data-field]").forEach(function (f) {
    const input = f.querySelector("input, select");
    if (input) input.addEventListener("focus", function () { highlight(f.dataset.field); });
  });
})();
