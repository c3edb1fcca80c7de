/* Overview charts: reads the json_script payload "dashboard-data" and draws it with Chart.js. */
(function () {
  "use strict";
  var node = document.getElementById("dashboard-data");
  if (!node || typeof Chart === "undefined") return;
  var data = JSON.parse(node.textContent);
  var ink = "#667085", grid = "#eef0f3", brand = "#1f6f5c";
  // Axis ticks as money: whole amounts, thousands compacted ("€1.2K"), never "€1 €1 €0" from
  // fractional steps rounded away (the axes ask for whole steps below).
  var money = new Intl.NumberFormat(undefined, { style: "currency", currency: data.currency || "EUR", notation: "compact", maximumFractionDigits: 1 });
  var moneyExact = new Intl.NumberFormat(undefined, { style: "currency", currency: data.currency || "EUR" });
  var count = new Intl.NumberFormat();

  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.font.size = 12;
  Chart.defaults.color = ink;
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.plugins.legend.display = false;

  function axis(format) {
    return { grid: { color: grid }, border: { display: false }, ticks: { precision: 0, callback: function (v) { return format(v); } }, beginAtZero: true, suggestedMax: 10 };
  }
  function plain() { return { grid: { display: false }, border: { display: false }, ticks: { maxRotation: 0, autoSkip: true, autoSkipPadding: 8 } }; }
  function draw(id, config) {
    var canvas = document.getElementById(id);
    if (canvas) new Chart(canvas, config);
  }

  draw("chart-spend-month", {
    type: "bar",
    data: { labels: data.spendByMonth.labels, datasets: [{ data: data.spendByMonth.values, backgroundColor: brand, borderRadius: 4, maxBarThickness: 36 }] },
    options: {
      scales: { x: plain(), y: axis(function (v) { return money.format(v); }) },
      plugins: { tooltip: { callbacks: { label: function (c) { return moneyExact.format(c.parsed.y); } } } }
    }
  });

  draw("chart-spend-project", {
    type: "bar",
    data: { labels: data.spendByProject.labels, datasets: [{ data: data.spendByProject.values, backgroundColor: "#2f80ed", borderRadius: 4, maxBarThickness: 22 }] },
    options: {
      indexAxis: "y",
      scales: { x: axis(function (v) { return money.format(v); }), y: plain() },
      plugins: { tooltip: { callbacks: { label: function (c) { return moneyExact.format(c.parsed.x); } } } }
    }
  });

  var budget = data.apiCalls.budget;
  var calls = data.apiCalls.values;
  var datasets = [{
    label: "Calls", data: calls, borderRadius: 3, maxBarThickness: 18,
    backgroundColor: calls.map(function (v) { return v >= budget * 0.9 ? "#f04438" : "#7a5af8"; })
  }];
  // The limit line only when usage comes near it; otherwise it would flatten the bars to nothing.
  var nearLimit = Math.max.apply(null, calls.concat([0])) >= budget * 0.5;
  if (nearLimit) {
    datasets.push({ label: "Daily limit", type: "line", data: calls.map(function () { return budget; }), borderColor: "#f04438", borderDash: [5, 4], borderWidth: 1.5, pointRadius: 0 });
  }
  draw("chart-api-calls", {
    type: "bar",
    data: { labels: data.apiCalls.labels, datasets: datasets },
    options: {
      scales: { x: plain(), y: axis(function (v) { return count.format(v); }) },
      plugins: { legend: { display: nearLimit, position: "bottom", labels: { boxWidth: 12, boxHeight: 12 } } }
    }
  });
})();
