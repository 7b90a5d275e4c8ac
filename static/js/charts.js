/* Draws every chart of the page from its JSON (Django's json_script), with the bundled
   plotly.js. No inline script: the Content-Security-Policy allows only our static files.
   Vietnamese for plotly's own words (its "vi" locale ships dates only); no tool bar on
   narrow screens, only the PNG download on wide ones; small multiples (layout.meta.facets)
   in as many columns as the width allows; a narrow chart laid out as its figure says. */
(function () {
  "use strict";
  if (!window.Plotly) {
    return;
  }
  window.Plotly.register({
    moduleType: "locale",
    name: "vi",
    dictionary: {
      "Autoscale": "Tự co giãn",
      "Box Select": "Chọn vùng chữ nhật",
      "Click to enter Colorscale title": "Nhấn để nhập tiêu đề thang màu",
      "Click to enter Component A title": "Nhấn để nhập tiêu đề",
      "Click to enter Plot title": "Nhấn để nhập tiêu đề biểu đồ",
      "Click to enter X axis title": "Nhấn để nhập tiêu đề trục X",
      "Click to enter Y axis title": "Nhấn để nhập tiêu đề trục Y",
      "Compare data on hover": "So sánh số liệu khi rê chuột",
      "Double-click on legend to isolate one trace": "Nhấn đúp vào chú giải để chỉ xem một nhóm",
      "Double-click to zoom back out": "Nhấn đúp để thu nhỏ lại",
      "Download plot as a png": "Tải biểu đồ (ảnh PNG)",
      "Download plot": "Tải biểu đồ",
      "Lasso Select": "Chọn tự do",
      "Orbital rotation": "Xoay quanh",
      "Pan": "Kéo",
      "Produced with Plotly.js": "Vẽ bằng Plotly.js",
      "Reset": "Đặt lại",
      "Reset axes": "Đặt lại trục",
      "Reset view": "Đặt lại khung nhìn",
      "Show closest data on hover": "Hiện số liệu gần nhất khi rê chuột",
      "Snapshot succeeded": "Đã chụp xong",
      "Sorry, there was a problem downloading your snapshot!": "Không tải được ảnh biểu đồ.",
      "Taking snapshot - this may take a few seconds": "Đang chụp ảnh biểu đồ, xin chờ vài giây",
      "Toggle Spike Lines": "Bật/tắt đường gióng",
      "Toggle show closest data on hover": "Bật/tắt hiện số liệu gần nhất",
      "Zoom": "Phóng to vùng",
      "Zoom in": "Phóng to",
      "Zoom out": "Thu nhỏ",
      "close:": "đóng:",
      "high:": "cao:",
      "incoming flow count:": "số luồng vào:",
      "kde:": "kde:",
      "lat:": "vĩ độ:",
      "lon:": "kinh độ:",
      "low:": "thấp:",
      "lower fence:": "rào dưới:",
      "max:": "lớn nhất:",
      "mean ± σ:": "trung bình ± σ:",
      "mean:": "trung bình:",
      "median:": "trung vị:",
      "min:": "nhỏ nhất:",
      "new text": "chữ mới",
      "open:": "mở:",
      "q1:": "q1:",
      "q3:": "q3:",
      "source:": "nguồn:",
      "target:": "đích:",
      "trace": "chuỗi",
      "upper fence:": "rào trên:"
    },
    format: {
      days: ["Chủ Nhật", "Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy"],
      shortDays: ["CN", "T2", "T3", "T4", "T5", "T6", "T7"],
      months: ["Tháng 1", "Tháng 2", "Tháng 3", "Tháng 4", "Tháng 5", "Tháng 6", "Tháng 7",
        "Tháng 8", "Tháng 9", "Tháng 10", "Tháng 11", "Tháng 12"],
      shortMonths: ["Th1", "Th2", "Th3", "Th4", "Th5", "Th6", "Th7", "Th8", "Th9", "Th10",
        "Th11", "Th12"],
      date: "%d/%m/%Y",
      decimal: ",",
      thousands: "."
    }
  });

  var NARROW = 640;

  function config() {
    var wide = window.innerWidth > NARROW;
    return {
      locale: "vi",
      responsive: true,
      displaylogo: false,
      displayModeBar: wide ? "hover" : false,
      modeBarButtons: [["toImage"]],
      toImageButtonOptions: { format: "png", scale: 2 }
    };
  }

  function columnsFor(width) {
    if (width < 480) {
      return 2;
    }
    if (width < 760) {
      return 3;
    }
    if (width < 1000) {
      return 4;
    }
    return 6;
  }

  /* Small multiples: the grid's columns and the height follow the width of the chart;
     null when nothing changes. */
  function facetGrid(element, layout) {
    var facets = layout.meta && layout.meta.facets;
    if (!facets) {
      return null;
    }
    var columns = Math.min(columnsFor(element.clientWidth || window.innerWidth), facets.count);
    var rows = Math.max(1, Math.ceil(facets.count / columns));
    if (layout.grid.columns === columns && layout.grid.rows === rows) {
      return null;
    }
    return {
      "grid.columns": columns,
      "grid.rows": rows,
      height: facets.extra + rows * facets.panel_height
    };
  }

  function isObject(value) {
    return value !== null && typeof value === "object" && !Array.isArray(value);
  }

  function merge(target, changes) {
    Object.keys(changes).forEach(function (key) {
      if (isObject(changes[key]) && isObject(target[key])) {
        merge(target[key], changes[key]);
      } else {
        target[key] = changes[key];
      }
    });
  }

  /* A narrow chart (a phone's) takes the changes of layout.meta.narrow: titles and notes
     wrapped shorter, margins and heights that fit them, figures left out of cells too small
     for them (reports/charts/layout.py lays both out). */
  function isNarrow(element, layout) {
    var narrow = layout.meta && layout.meta.narrow;
    return Boolean(narrow) && (element.clientWidth || window.innerWidth) < narrow.below;
  }

  function figureFor(element, source) {
    var figure = JSON.parse(source.textContent);
    var narrow = figure.layout.meta && figure.layout.meta.narrow;
    if (isNarrow(element, figure.layout)) {
      merge(figure.layout, narrow.layout || {});
      (narrow.data || []).forEach(function (changes, index) {
        merge(figure.data[index], changes);
      });
    }
    var grid = facetGrid(element, figure.layout);
    if (grid) {
      figure.layout.grid.columns = grid["grid.columns"];
      figure.layout.grid.rows = grid["grid.rows"];
      figure.layout.height = grid.height;
    }
    return figure;
  }

  document.querySelectorAll("[data-figure]").forEach(function (element) {
    var source = document.getElementById(element.getAttribute("data-figure"));
    if (!source) {
      return;
    }
    var figure = figureFor(element, source);
    var narrow = isNarrow(element, figure.layout);
    window.Plotly.newPlot(element, figure.data, figure.layout, config()).then(function () {
      window.addEventListener("resize", function () {
        if (isNarrow(element, figure.layout) !== narrow) {
          narrow = !narrow;
          var fresh = figureFor(element, source);
          window.Plotly.react(element, fresh.data, fresh.layout, config());
          return;
        }
        var update = facetGrid(element, element.layout);
        if (update) {
          window.Plotly.relayout(element, update);
        }
      });
      var frame = element.parentNode;
      if (frame.scrollWidth > frame.clientWidth) {
        frame.setAttribute("tabindex", "0");  // a region that scrolls, reachable by keyboard
      }
      element.setAttribute("data-drawn", "true");
    });
  });
})();
