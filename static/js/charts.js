/* Draws every chart of the page from its JSON (Django's json_script), with the bundled
   plotly.js. No inline script: the Content-Security-Policy allows only our static files. */
(function () {
  "use strict";
  if (!window.Plotly) {
    return;
  }
  var config = {
    responsive: true,
    displaylogo: false,
    modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d"],
    toImageButtonOptions: { format: "png", scale: 2 }
  };
  document.querySelectorAll("[data-figure]").forEach(function (element) {
    var source = document.getElementById(element.getAttribute("data-figure"));
    if (!source) {
      return;
    }
    var figure = JSON.parse(source.textContent);
    window.Plotly.newPlot(element, figure.data, figure.layout, config);
  });
})();
