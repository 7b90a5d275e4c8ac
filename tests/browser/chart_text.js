/* The visible text of every drawn plotly chart on the page, as boxes in page pixels:
   [{chart, svg: {left, top, right, bottom}, texts: [{text, cls, left, top, right, bottom}]}].
   Read by the browser tests of chart text (test_chart_text_browser.py). */
() => {
  function box(rect) {
    return { left: rect.left, top: rect.top, right: rect.right, bottom: rect.bottom };
  }
  function visible(node) {
    for (var n = node; n && n.nodeType === 1; n = n.parentNode) {
      var style = window.getComputedStyle(n);
      if (style.display === "none" || style.visibility === "hidden" || style.opacity === "0") {
        return false;
      }
    }
    return true;
  }
  return Array.from(document.querySelectorAll("[data-drawn]")).map(function (chart) {
    var svg = chart.querySelector(".main-svg");
    var texts = [];
    chart.querySelectorAll(".main-svg text").forEach(function (node) {
      var text = (node.textContent || "").trim();
      var rect = node.getBoundingClientRect();
      if (!text || rect.width === 0 || rect.height === 0 || !visible(node)) {
        return;
      }
      var where = node.closest("[class]:not(text):not(tspan)");
      texts.push(Object.assign({ text: text, cls: where ? where.getAttribute("class") : "" },
        box(rect)));
    });
    return { chart: chart.id, svg: box(svg.getBoundingClientRect()), texts: texts };
  });
}
