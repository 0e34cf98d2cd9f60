/* Sifara listening analysis: ECharts glue.
 *
 * Chart specifications come from the server in <script type="application/json"
 * id="analysis-chart-data"> (json_script); every element with data-chart="name"
 * becomes one chart. Labels are localised by the server; numbers are formatted
 * here with the page's language and digits. Right-to-left pages are mirrored:
 * time runs from right to left and value axes sit on the right.
 */
(function () {
  "use strict";

  var root = document.documentElement;
  var rtl = root.dir === "rtl";
  var lang = root.lang || "ar";
  var numbering = root.getAttribute("data-numbering") || "latn";
  var FONT = '"IBM Plex Sans Arabic", system-ui, -apple-system, "Segoe UI", sans-serif';
  var numberFormat;
  try {
    numberFormat = new Intl.NumberFormat(lang, { numberingSystem: numbering, maximumFractionDigits: 2 });
  } catch (e) {
    numberFormat = new Intl.NumberFormat("en");
  }

  var percentFormat;
  try {
    percentFormat = new Intl.NumberFormat(lang, { style: "percent", numberingSystem: numbering, maximumFractionDigits: 0 });
  } catch (e) {
    percentFormat = new Intl.NumberFormat("en", { style: "percent" });
  }

  function fmt(value) {
    if (value === null || value === undefined || value === "") { return "—"; }
    return numberFormat.format(value);
  }

  function go(url) {
    if (url) { window.location.href = url; }
  }

  function seriesOptions(spec) {
    var hasSecond = spec.series.some(function (s) { return s.axis === 1; });
    var yAxes = [{
      type: "value",
      name: spec.axes ? spec.axes[0] : "",
      position: rtl ? "right" : "left",
      nameTextStyle: { align: rtl ? "right" : "left" },
      axisLabel: { formatter: fmt },
      splitLine: { lineStyle: { color: "#e9ecef" } }
    }];
    if (hasSecond) {
      yAxes.push({
        type: "value",
        name: spec.axes && spec.axes[1] ? spec.axes[1] : "",
        position: rtl ? "left" : "right",
        nameTextStyle: { align: rtl ? "left" : "right" },
        min: spec.min1 !== undefined ? spec.min1 : null,
        max: spec.max1 !== undefined ? spec.max1 : null,
        axisLabel: { formatter: fmt },
        splitLine: { show: false }
      });
    }
    var series = spec.series.map(function (s) {
      var item = {
        name: s.name,
        type: s.kind === "line" ? "line" : "bar",
        data: s.data,
        yAxisIndex: s.axis === 1 ? 1 : 0,
        itemStyle: { color: s.color },
        emphasis: { focus: "series" }
      };
      if (s.stack) { item.stack = s.stack; }
      if (s.overlap) { item.barGap = "-100%"; }
      if (item.type === "line") {
        item.smooth = 0.2;
        item.connectNulls = spec.labels.length > 60;
        item.showSymbol = spec.labels.length < 40;
        item.lineStyle = { width: spec.labels.length > 60 ? 1.5 : 2 };
      } else {
        item.barMaxWidth = 28;
      }
      return item;
    });
    if (spec.markPeak !== undefined && spec.markPeak !== null && series.length) {
      series[0].markPoint = {
        symbol: "pin",
        symbolSize: 44,
        data: [{ coord: [spec.markPeak, spec.series[0].data[spec.markPeak]], value: fmt(spec.series[0].data[spec.markPeak]) }],
        label: { fontFamily: FONT }
      };
    }
    return {
      textStyle: { fontFamily: FONT },
      color: spec.series.map(function (s) { return s.color; }),
      tooltip: {
        trigger: "axis",
        axisPointer: { type: "shadow" },
        valueFormatter: fmt,
        textStyle: { fontFamily: FONT, align: rtl ? "right" : "left" }
      },
      legend: { top: 0, [rtl ? "right" : "left"]: 0, align: rtl ? "right" : "left", textStyle: { fontFamily: FONT } },
      grid: { top: 48, bottom: spec.xname ? 48 : 28, left: 12, right: 12, containLabel: true },
      xAxis: {
        type: "category",
        data: spec.labels,
        inverse: rtl,
        name: spec.xname || "",
        nameLocation: "middle",
        nameGap: 30,
        axisLabel: { hideOverlap: true }
      },
      yAxis: yAxes,
      series: series
    };
  }

  function barsOptions(spec) {
    var items = spec.items.slice(0, 12);
    return {
      textStyle: { fontFamily: FONT },
      tooltip: { trigger: "item", valueFormatter: fmt, textStyle: { fontFamily: FONT } },
      grid: { top: 8, bottom: 8, left: 24, right: 24, containLabel: true },
      xAxis: {
        type: "value",
        inverse: rtl,
        boundaryGap: [0, "18%"],
        axisLabel: { formatter: fmt, hideOverlap: true },
        splitLine: { lineStyle: { color: "#e9ecef" } }
      },
      yAxis: {
        type: "category",
        inverse: true,
        position: rtl ? "right" : "left",
        data: items.map(function (i) { return i.label; }),
        axisLabel: { width: 110, overflow: "truncate" }
      },
      series: [{
        type: "bar",
        data: items.map(function (i) { return i.value; }),
        itemStyle: { color: spec.color, borderRadius: rtl ? [4, 0, 0, 4] : [0, 4, 4, 0] },
        barMaxWidth: 22,
        label: { show: true, position: rtl ? "left" : "right", formatter: function (p) { return fmt(p.value); } }
      }]
    };
  }

  function donutOptions(spec) {
    return {
      textStyle: { fontFamily: FONT },
      tooltip: { trigger: "item", valueFormatter: fmt, textStyle: { fontFamily: FONT } },
      legend: { bottom: 0, textStyle: { fontFamily: FONT } },
      series: [{
        type: "pie",
        radius: ["45%", "72%"],
        center: ["50%", "45%"],
        avoidLabelOverlap: true,
        minShowLabelAngle: 12,
        label: {
          position: "inside",
          color: "#fff",
          fontWeight: "bold",
          formatter: function (p) { return percentFormat.format(p.percent / 100); }
        },
        data: spec.items.map(function (i) {
          return { name: i.label, value: i.value, itemStyle: { color: i.color } };
        })
      }]
    };
  }

  function build(el, spec) {
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    var options = spec.type === "bars" ? barsOptions(spec)
      : spec.type === "donut" ? donutOptions(spec)
      : seriesOptions(spec);
    chart.setOption(options);
    chart.on("click", function (params) {
      if (spec.type === "series" && spec.urls) { go(spec.urls[params.dataIndex]); }
      if ((spec.type === "bars" || spec.type === "donut") && spec.items[params.dataIndex]) {
        go(spec.items[params.dataIndex].url);
      }
    });
    if ((spec.urls && spec.urls.length) || (spec.items && spec.items.some(function (i) { return i.url; }))) {
      el.classList.add("analysis-chart-clickable");
    }
    el.setAttribute("data-rendered", "true");
    return chart;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var source = document.getElementById("analysis-chart-data");
    if (!source || !window.echarts) { return; }
    var data = JSON.parse(source.textContent || "{}");
    var charts = [];
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var spec = data[el.getAttribute("data-chart")];
      if (spec) { charts.push(build(el, spec)); }
    });
    window.addEventListener("resize", function () {
      charts.forEach(function (c) { c.resize(); });
    });
  });
})();
