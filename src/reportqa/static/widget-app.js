// The widget's chat: POST /api/ask on this server and render the reply with textContent only.
// /widget?place=小河镇 pins it to that place: every question is sent with that scope; a question about
// another place is declined, and says so in plain words under the answer.
// An answer whose question several places answer differently lists them (`choices`): tapping one asks
// the same question again of that place.
// Each answer is shown from its start (the question and the short answer in view), with at most
// three sources: those its [n] marks cite, the quoted one first. "新对话" starts over; "×" asks
// the page that embeds the widget (widget.js) to close it.
(function () {
  "use strict";
  var SHOWN = 3;
  var place = (new URLSearchParams(location.search).get("place") || "").trim().slice(0, 200);
  var log = document.getElementById("rq-log");
  var hello = document.getElementById("rq-hello");
  var form = document.getElementById("rq-form");
  var input = document.getElementById("rq-q");
  var send = document.getElementById("rq-send");
  var closeButton = document.getElementById("rq-close");
  var history = [];
  var generation = 0;  // a new conversation drops the replies to the old one
  var embedded = window.parent !== window;
  var touch = window.matchMedia && window.matchMedia("(pointer: coarse)").matches;

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

  // The citations the answer's [n] marks cite, the quoted ones first, then the others.
  function splitSources(d) {
    var cites = (d.citations || []).map(function (c, i) { return { n: i + 1, c: c }; });
    var marks = {};
    if (d.found) String(d.answer || "").replace(/\[(\d{1,2})\]/g, function (_, n) { marks[n] = true; return ""; });
    var support = cites.filter(function (p) { return marks[p.n]; });
    support.sort(function (a, b) { return (!a.c.quote - !b.c.quote) || (a.n - b.n); });
    var shown = support.slice(0, SHOWN);
    return { shown: shown, more: cites.filter(function (p) { return shown.indexOf(p) < 0; }) };
  }

  function sourceList(pairs) {
    var ol = el("ol", "sources");
    pairs.forEach(function (p) {
      var c = p.c, li = el("li", "source");
      li.value = p.n;
      if (origin(c)) li.appendChild(el("span", "where", origin(c)));
      var a = el("a", null, (c.section_path && c.section_path.length ? c.section_path.join(" › ") : c.section));
      a.href = reportLink(c);
      a.target = "_blank";
      a.rel = "noopener";
      li.appendChild(a);
      li.appendChild(passage(c));
      ol.appendChild(li);
    });
    return ol;
  }

  // One button per place that answers the question, each asking it again of that place.
  function choiceList(d, question) {
    var box = el("div", "choices");
    box.appendChild(el("div", "choices-label", "请选择地方 · Choose a place:"));
    (d.choices || []).forEach(function (c) {
      if (!c || !c.place) return;
      var b = el("button", "choice", c.label || c.place);
      b.type = "button";
      b.addEventListener("click", function () { ask(question, String(c.place)); });
      box.appendChild(b);
    });
    return box;
  }

  function render(d, question) {
    var box = el("div", "msg bot" + (d.found ? " found" : " notfound"));
    box.lang = d.lang === "en" ? "en" : "zh";
    if (!d.found) box.appendChild(el("div", "badge", "报告中没有提到 · The report does not say"));
    box.appendChild(el("div", "answer", d.answer));
    if (place && !d.found && !(d.citations || []).length) {
      box.appendChild(el("div", "pinned", "这里只回答" + place + "的报告。 · Here, answers come from " + place +
        "'s reports only."));
    }
    if (d.choices && d.choices.length) box.appendChild(choiceList(d, question));
    var parts = splitSources(d);
    if (parts.shown.length) box.appendChild(sourceList(parts.shown));
    if (!d.found && parts.more.length) {  // the nearest passages, closed: they do not answer
      var more = el("details", "more");
      more.appendChild(el("summary", null, "最接近的段落 Nearest passages (" + Math.min(parts.more.length, SHOWN) + ")"));
      more.appendChild(sourceList(parts.more.slice(0, SHOWN)));
      box.appendChild(more);
    }
    return box;
  }

  function add(node) { log.appendChild(node); return node; }

  // The question and the start of its answer at the top of the log (the answer's, if both do not fit).
  function showFromStart(answer, question) {
    var top = answer.offsetTop - log.offsetTop - 8;
    if (question && answer.offsetTop - question.offsetTop < log.clientHeight / 3) top = question.offsetTop - log.offsetTop - 8;
    log.scrollTop = Math.max(0, top);
  }

  function newConversation() {
    generation++;
    history = [];
    while (log.lastChild) log.removeChild(log.lastChild);
    log.appendChild(hello);
    send.disabled = false;
    input.value = "";
    input.focus();
  }

  function close() {
    if (embedded) window.parent.postMessage({ type: "reportqa:close" }, "*");
  }

  document.getElementById("rq-new").addEventListener("click", newConversation);
  if (embedded) closeButton.addEventListener("click", close);
  else closeButton.hidden = true;  // opened on its own: nothing to close into
  document.addEventListener("keydown", function (ev) { if (ev.key === "Escape") close(); });

  if (place) {
    var scope = document.getElementById("rq-scope");
    scope.textContent = "仅回答" + place + "的报告 · Answers from " + place + "'s reports only";
    scope.hidden = false;
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var q = input.value.trim();
    if (q) ask(q, "");
  });

  // Ask `q`; `chosen`: a place picked among an answer's choices, for this question only.
  function ask(q, chosen) {
    var asked = generation;
    var question = el("div", "msg user", chosen ? q + "（" + chosen + "）" : q);
    question.lang = /[\u4e00-\u9fff]/.test(q) ? "zh" : "en";
    add(question);
    input.value = "";
    send.disabled = true;
    var pending = el("div", "msg bot hint", "…");
    add(pending);
    log.scrollTop = log.scrollHeight;
    var body = { question: q, history: history.slice(-3) };
    if (place || chosen) body.place = place || chosen;
    fetch("/api/ask", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body)
    }).then(function (r) {
      return r.json().then(function (d) { return { ok: r.ok, d: d }; });
    }).then(function (res) {
      if (asked !== generation) return;
      log.removeChild(pending);
      if (!res.ok) { showFromStart(add(el("div", "msg bot error", res.d.error || "Error")), question); return; }
      history.push(q);
      var answer = render(res.d, q);
      add(answer);
      showFromStart(answer, question);
    }).catch(function () {
      if (asked !== generation) return;
      if (pending.parentNode) log.removeChild(pending);
      add(el("div", "msg bot error", "网络错误 · The server could not be reached."));
      showFromStart(log.lastChild, question);
    }).then(function () {
      if (asked !== generation) return;
      send.disabled = false;
      if (!touch) input.focus();  // on a phone the keyboard would cover the answer
    });
  }
})();
