/* Draw a Chart.js chart over each server-rendered figure; the tables stay as the alternative. */
(function () {
  "use strict";
  if (typeof Chart === "undefined") { return; }
  var palette = ["#1d70b8", "#d4351c", "#00703c", "#f47738", "#4c2c92", "#6f72af"];
  function scale(values, percent) {
    return values.map(function (v) { return v === null || v === undefined ? null : (percent ? Math.round(v * 1000) / 10 : v); });
  }
  function datasets(data) {
    var sets = [];
    data.series.forEach(function (s, i) {
      var colour = palette[i % palette.length];
      if (s.low && s.high) {
        sets.push({ label: s.label + " (95% low)", data: scale(s.low, s.percent), borderWidth: 0, pointRadius: 0, fill: false });
        sets.push({ label: s.label + " (95% high)", data: scale(s.high, s.percent), borderWidth: 0, pointRadius: 0,
                    backgroundColor: "rgba(29,112,184,0.18)", fill: "-1" });
      }
      sets.push({ label: s.label, data: scale(s.values, s.percent), borderColor: colour, backgroundColor: colour,
                  spanGaps: false, tension: 0.2 });
    });
    return sets;
  }
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.getAttribute("data-source"));
    if (!source) { return; }
    var data = JSON.parse(source.textContent);
    canvas.parentElement.hidden = false;
    new Chart(canvas, {
      type: canvas.getAttribute("data-chart") === "bar" ? "bar" : "line",
      data: { labels: data.labels, datasets: datasets(data) },
      options: { responsive: true, maintainAspectRatio: false, animation: false,
                 plugins: { legend: { labels: { filter: function (item) { return item.text.indexOf("(95%") === -1; } } } } }
    });
  });
})();
