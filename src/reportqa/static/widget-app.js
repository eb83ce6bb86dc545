// The widget's chat: POST /api/ask on this server and render the reply with textContent only.
// /widget?place=小河镇 pins it to that place: every question is sent with that scope.
(function () {
  "use strict";
  var place = (new URLSearchParams(location.search).get("place") || "").trim().slice(0, 200);
  var log = document.getElementById("rq-log");
  var form = document.getElementById("rq-form");
  var input = document.getElementById("rq-q");
  var send = document.getElementById("rq-send");
  var history = [];

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = String(text);
    return e;
  }

  function passage(c) {
    var box = el("div", "passage");
    var text = String(c.text || ""), quote = String(c.quote || "");
    var at = quote ? (c.quote_start - c.start) : -1;
    if (quote && text.substr(at, quote.length) !== quote) at = text.indexOf(quote);
    if (!quote || at < 0) { box.textContent = text; return box; }
    box.appendChild(document.createTextNode(text.slice(0, at)));
    box.appendChild(el("mark", null, quote));
    box.appendChild(document.createTextNode(text.slice(at + quote.length)));
    return box;
  }

  function reportLink(c) {
    // Only our own /report/ pages: never a javascript: or foreign URL from the data.
    var href = "/report/" + encodeURIComponent(String(c.doc)) + "#" + (c.start | 0) + "-" + (c.end | 0);
    if (c.quote && c.quote_start >= 0) href += "," + (c.quote_start | 0) + "-" + (c.quote_end | 0);
    return href;
  }

  function origin(c) {
    var parts = [];
    if (c.place) parts.push(String(c.place));
    if (c.year) parts.push(String(c.year | 0) + "年");
    return parts.join(" ");
  }

  function render(d) {
    var box = el("div", "msg bot" + (d.found ? " found" : " notfound"));
    if (!d.found) box.appendChild(el("div", "badge", "报告中没有提到 · The report does not say"));
    box.appendChild(el("div", "answer", d.answer));
    var cites = d.citations || [];
    if (cites.length) {
      var ol = el("ol", "sources");
      cites.slice(0, d.found ? 3 : 2).forEach(function (c) {
        var li = el("li", "source");
        if (origin(c)) li.appendChild(el("span", "where", origin(c)));
        var a = el("a", null, (c.section_path && c.section_path.length ? c.section_path.join(" › ") : c.section));
        a.href = reportLink(c);
        a.target = "_blank";
        a.rel = "noopener";
        li.appendChild(a);
        li.appendChild(passage(c));
        ol.appendChild(li);
      });
      box.appendChild(ol);
    }
    return box;
  }

  function add(node) { log.appendChild(node); log.scrollTop = log.scrollHeight; }

  if (place) {
    var scope = document.getElementById("rq-scope");
    scope.textContent = "仅回答" + place + "的报告 · Answers from " + place + "'s reports only";
    scope.hidden = false;
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var q = input.value.trim();
    if (!q) return;
    add(el("div", "msg user", q));
    input.value = "";
    send.disabled = true;
    var pending = el("div", "msg bot hint", "…");
    add(pending);
    fetch("/api/ask", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(place ? { question: q, history: history.slice(-3), place: place }
                                 : { question: q, history: history.slice(-3) })
    }).then(function (r) {
      return r.json().then(function (d) { return { ok: r.ok, d: d }; });
    }).then(function (res) {
      log.removeChild(pending);
      if (!res.ok) { add(el("div", "msg bot error", res.d.error || "Error")); return; }
      history.push(q);
      add(render(res.d));
    }).catch(function () {
      log.removeChild(pending);
      add(el("div", "msg bot error", "网络错误 · The server could not be reached."));
    }).then(function () { send.disabled = false; input.focus(); });
  });
})();
