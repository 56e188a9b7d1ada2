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
  // A dashed, labelled line at each reorganisation's period (the list beside the chart says it in words).
  var reorganisations = {
    id: "reorganisations",
    afterDatasetsDraw: function (chart, args, options) {
      var area = chart.chartArea, ctx = chart.ctx;
      (options.marks || []).forEach(function (m) {
        var i = chart.data.labels.indexOf(m.period);
        if (i < 0) { return; }
        var x = chart.scales.x.getPixelForValue(i);
        ctx.save();
        ctx.strokeStyle = "#0b0c0c";
        ctx.lineWidth = 2;
        ctx.setLineDash([6, 4]);
        ctx.beginPath();
        ctx.moveTo(x, area.top);
        ctx.lineTo(x, area.bottom);
        ctx.stroke();
        ctx.fillStyle = "#0b0c0c";
        ctx.font = "12px sans-serif";
        ctx.fillText(m.date + " " + m.kind, Math.min(x + 4, area.right - 110), area.top + 12);
        ctx.restore();
      });
    }
  };
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.getAttribute("data-source"));
    if (!source) { return; }
    var data = JSON.parse(source.textContent);
    canvas.parentElement.hidden = false;
    new Chart(canvas, {
      type: canvas.getAttribute("data-chart") === "bar" ? "bar" : "line",
      data: { labels: data.labels, datasets: datasets(data) },
      plugins: [reorganisations],
      options: { responsive: true, maintainAspectRatio: false, animation: false,
                 plugins: { reorganisations: { marks: data.markers || [] },
                            legend: { labels: { filter: function (item) { return item.text.indexOf("(95%") === -1; } } } } }
    });
  });
})();
