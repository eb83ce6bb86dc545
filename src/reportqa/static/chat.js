// The staff chat (Gradio page at /), loaded from this file because the page allows no inline script.
// - Each new answer is shown from its start: the conversation scrolls to the new question and
//   answer, never to the bottom of the last source (Gradio's own autoscroll is off).
// - "复制 Copy" puts the answer and its open sources on the clipboard as plain text, links absolute.
// - [n] in an answer jumps to its source in the same message, opening "more sources" if needed.
// - The page is Chinese by default; each message carries its own lang (set by the server).
(function () {
  "use strict";
  document.documentElement.lang = "zh-CN";

  var seen = {};  // ids of the answers already on screen

  function chatLog() { return document.querySelector("#rq-chat"); }

  function scroller(node) {
    for (var el = node.parentElement; el && el !== document.body; el = el.parentElement) {
      var style = getComputedStyle(el);
      if (/(auto|scroll)/.test(style.overflowY) && el.scrollHeight > el.clientHeight) return el;
    }
    return null;
  }

  function bubble(node) {
    return node.closest(".message-row") || node.closest(".message") || node;
  }

  // The new answer's start at the top of the conversation; its question too, when both fit.
  function showFromStart(answer) {
    var box = scroller(answer);
    var start = bubble(answer);
    if (box) {
      var rows = Array.prototype.slice.call(box.querySelectorAll(".message-row"));
      var at = rows.indexOf(start);
      var question = at > 0 ? rows[at - 1] : null;
      var top = box.getBoundingClientRect().top;
      var target = start.getBoundingClientRect().top - top + box.scrollTop - 8;
      if (question) {
        var qTop = question.getBoundingClientRect().top - top + box.scrollTop - 8;
        if (target - qTop < box.clientHeight / 3) target = qTop;
      }
      box.scrollTop = Math.max(0, target);
    }
    var r = answer.getBoundingClientRect();
    if (r.top < 0 || r.top > window.innerHeight - 40) answer.scrollIntoView({ block: "start" });
  }

  function plainLabel(el) {
    if (!el) return "";
    var clone = el.cloneNode(true);
    return (clone.textContent || "").replace(/\s+/g, " ").trim();
  }

  // The answer and its open sources as plain text (no markup), links absolute.
  function plainText(answer) {
    var lines = [plainLabel(answer.querySelector(".rq-short"))];
    var open = answer.querySelectorAll(":scope > .rq-sources > li");
    if (open.length) {
      lines.push("", answer.getAttribute("lang") === "en" ? "Sources:" : "来源：");
      Array.prototype.forEach.call(open, function (li) {
        var where = plainLabel(li.querySelector(".rq-where"));
        var a = li.querySelector(".rq-path a");
        var path = plainLabel(a);
        var line = "[" + (li.getAttribute("value") || "") + "] " + (where ? where + " · " : "") + path;
        if (a) line += " — " + a.href;
        lines.push(line);
        var quote = plainLabel(li.querySelector("mark"));
        if (quote) lines.push("    “" + quote + "”");
      });
    }
    return lines.join("\n");
  }

  var live = null;
  function announce(text) {
    if (!live) {
      live = document.createElement("div");
      live.setAttribute("role", "status");
      live.className = "rq-sr-status";
      live.style.cssText = "position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap";
      document.body.appendChild(live);
    }
    live.textContent = "";
    setTimeout(function () { live.textContent = text; }, 50);
  }

  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.cssText = "position:fixed;top:0;left:0;opacity:0";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }

  function copy(button) {
    var answer = button.closest(".rq-answer");
    if (!answer) return;
    var text = plainText(answer);
    var done = navigator.clipboard && window.isSecureContext
      ? navigator.clipboard.writeText(text).catch(function () { return fallbackCopy(text); })
      : fallbackCopy(text);
    var label = button.textContent;
    done.then(function () {
      button.textContent = "已复制 Copied";
      announce("已复制答案和来源 · Answer and sources copied");
    }, function () {
      button.textContent = "复制失败 Copy failed";
      announce("复制失败 · Copy failed");
    }).then(function () {
      setTimeout(function () { button.textContent = label; }, 2000);
    });
  }

  function jumpToSource(link) {
    var target = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
    if (!target) return;
    var more = target.closest("details");
    if (more) more.open = true;
    target.classList.add("rq-target");
    setTimeout(function () { target.classList.remove("rq-target"); }, 2000);
    target.scrollIntoView({ block: "nearest" });
    target.focus({ preventScroll: true });
  }

  document.addEventListener("click", function (ev) {
    var button = ev.target.closest && ev.target.closest("#rq-chat .rq-copy");
    if (button) { ev.preventDefault(); copy(button); return; }
    var ref = ev.target.closest && ev.target.closest("#rq-chat a.rq-ref");
    if (ref) { ev.preventDefault(); jumpToSource(ref); }
  });

  // Gradio labels each bubble with its raw content (our HTML): screen readers should read the text.
  function tidyLabels(log) {
    Array.prototype.forEach.call(log.querySelectorAll("[aria-label*='<']"), function (el) {
      el.removeAttribute("aria-label");
    });
    var messages = log.querySelector("[role=log]");
    if (messages && messages.getAttribute("aria-label") !== "对话 Conversation") {
      messages.setAttribute("aria-label", "对话 Conversation");
    }
  }

  function check() {
    var log = chatLog();
    if (!log) return;
    tidyLabels(log);
    var answers = log.querySelectorAll(".rq-answer[id]");
    var fresh = null;
    Array.prototype.forEach.call(answers, function (a) {
      if (!seen[a.id]) { seen[a.id] = true; fresh = a; }
    });
    if (fresh) showFromStart(fresh);
  }

  var queued = false;
  new MutationObserver(function () {
    if (queued) return;
    queued = true;
    requestAnimationFrame(function () { queued = false; check(); });
  }).observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ["aria-label"] });
  check();
})();
