// Starts Redoc on its page. Redoc writes its styles into <style> elements: it gives them this
// script's CSP nonce (the request's), which the page's Content-Security-Policy names.
(function () {
  "use strict";
  var script = document.currentScript;
  Redoc.init(script.dataset.specUrl, { nonce: script.nonce }, document.getElementById("redoc-container"));
})();
