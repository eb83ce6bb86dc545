// <script src="https://your-server/widget.js" data-place="小河镇" defer></script> adds a floating "ask the report"
// button. The server's address comes from this script's own src, so the iframe always points back at it;
// data-place (optional) pins the widget to that place's reports: every question it sends is scoped to it.
(function () {
  "use strict";
  if (window.__reportqaWidget) return;
  window.__reportqaWidget = true;
  var me = document.currentScript;
  var base = me && me.src ? me.src.replace(/\/widget\.js(\?.*)?(#.*)?$/, "") : "";
  var place = me ? (me.getAttribute("data-place") || "").trim() : "";

  function start() {
    var button = document.createElement("button");
    button.id = "reportqa-widget-button";
    button.type = "button";
    button.setAttribute("aria-label", "报告问答 · Ask the report");
    button.textContent = "问报告 · Ask";
    button.style.cssText = "position:fixed;right:20px;bottom:20px;z-index:2147483000;padding:12px 16px;" +
      "border:0;border-radius:24px;background:#1d4ed8;color:#fff;font:15px system-ui,sans-serif;" +
      "box-shadow:0 4px 14px rgba(0,0,0,.25);cursor:pointer";
    var frame = null;
    button.addEventListener("click", function () {
      if (!frame) {
        frame = document.createElement("iframe");
        frame.id = "reportqa-widget-frame";
        frame.title = "报告问答 · Ask the report";
        frame.src = base + "/widget" + (place ? "?place=" + encodeURIComponent(place) : "");
        frame.style.cssText = "position:fixed;right:20px;bottom:76px;z-index:2147483000;width:360px;height:560px;" +
          "max-width:calc(100vw - 40px);max-height:calc(100vh - 96px);border:1px solid #d1d5db;border-radius:12px;" +
          "background:#fff;box-shadow:0 8px 30px rgba(0,0,0,.2)";
        document.body.appendChild(frame);
        return;
      }
      frame.style.display = frame.style.display === "none" ? "block" : "none";
    });
    document.body.appendChild(button);
  }

  if (document.body) start(); else document.addEventListener("DOMContentLoaded", start);
})();
