// <script src="https://your-server/widget.js" data-place="小河镇" defer></script> adds a floating "ask the report"
// button. The server's address comes from this script's own src, so the iframe always points back at it;
// data-place (optional) pins the widget to that place's reports: every question it sends is scoped to it.
// The widget's "×" (or Escape) closes it: the iframe posts {type: "reportqa:close"} and this script listens.
// On a phone-sized screen the widget covers the screen; its own header closes it.
(function () {
  "use strict";
  if (window.__reportqaWidget) return;
  window.__reportqaWidget = true;
  var me = document.currentScript;
  var base = me && me.src ? me.src.replace(/\/widget\.js(\?.*)?(#.*)?$/, "") : "";
  var place = me ? (me.getAttribute("data-place") || "").trim() : "";
  var origin = base ? new URL(base, location.href).origin : location.origin;
  var PANEL = "position:fixed;right:20px;bottom:76px;z-index:2147483000;width:360px;height:560px;" +
    "max-width:calc(100vw - 40px);max-height:calc(100vh - 96px);border:1px solid #d1d5db;border-radius:12px;" +
    "background:#fff;box-shadow:0 8px 30px rgba(0,0,0,.2)";
  var FULL = "position:fixed;inset:0;z-index:2147483001;width:100%;height:100%;border:0;border-radius:0;background:#fff";

  function start() {
    var button = document.createElement("button");
    button.id = "reportqa-widget-button";
    button.type = "button";
    button.setAttribute("aria-label", "报告问答 · Ask the report");
    button.setAttribute("aria-expanded", "false");
    button.textContent = "问报告 · Ask";
    button.style.cssText = "position:fixed;right:20px;bottom:20px;z-index:2147483000;padding:12px 16px;" +
      "border:0;border-radius:24px;background:#1d4ed8;color:#fff;font:15px system-ui,sans-serif;" +
      "box-shadow:0 4px 14px rgba(0,0,0,.25);cursor:pointer";
    var frame = null;

    function phone() { return window.innerWidth <= 480; }

    function open() {
      if (!frame) {
        frame = document.createElement("iframe");
        frame.id = "reportqa-widget-frame";
        frame.title = "报告问答 · Ask the report";
        frame.src = base + "/widget" + (place ? "?place=" + encodeURIComponent(place) : "");
        document.body.appendChild(frame);
      }
      frame.style.cssText = phone() ? FULL : PANEL;
      frame.style.display = "block";
      button.setAttribute("aria-expanded", "true");
      if (phone()) button.style.visibility = "hidden";
      frame.focus();
    }

    function close() {
      if (!frame) return;
      frame.style.display = "none";
      button.style.visibility = "visible";
      button.setAttribute("aria-expanded", "false");
      button.focus();
    }

    button.addEventListener("click", function () {
      if (frame && frame.style.display !== "none") close(); else open();
    });
    window.addEventListener("message", function (ev) {
      if (frame && ev.source === frame.contentWindow && ev.origin === origin &&
          ev.data && ev.data.type === "reportqa:close") close();
    });
    document.body.appendChild(button);
  }

  if (document.body) start(); else document.addEventListener("DOMContentLoaded", start);
})();
