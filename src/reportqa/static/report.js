// Highlight the range named by the fragment (#start-end or #start-end,quoteStart-quoteEnd) and scroll to it.
// Offsets count characters of the report text; the #doc element's textContent is exactly that text.
(function () {
  "use strict";
  var root = document.getElementById("doc");
  if (!root) return;

  function clear() {
    var marks = root.querySelectorAll("mark");
    for (var i = marks.length - 1; i >= 0; i--) {
      var m = marks[i];
      while (m.firstChild) m.parentNode.insertBefore(m.firstChild, m);
      m.parentNode.removeChild(m);
    }
    root.normalize();
  }

  function wrap(start, end, cls) {
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    var pos = 0, node, targets = [];
    while ((node = walker.nextNode())) {
      var len = node.nodeValue.length;
      var s = Math.max(start, pos), e = Math.min(end, pos + len);
      if (s < e) targets.push([node, s - pos, e - pos]);
      pos += len;
      if (pos >= end) break;
    }
    var first = null;
    targets.forEach(function (t) {
      var n = t[0];
      if (t[1] > 0) n = n.splitText(t[1]);
      if (t[2] - t[1] < n.nodeValue.length) n.splitText(t[2] - t[1]);
      var m = document.createElement("mark");
      m.className = cls;
      n.parentNode.insertBefore(m, n);
      m.appendChild(n);
      first = first || m;
    });
    return first;
  }

  // [passage, quote] from "#start-end" or "#start-end,quoteStart-quoteEnd"; anything else
  // (#abc, #5-, #%E0, a range past the end) highlights nothing and never throws.
  function ranges() {
    var raw = location.hash.slice(1), text;
    try { text = decodeURIComponent(raw); } catch (e) { text = raw; }
    var size = root.textContent.length;
    return text.split(",").slice(0, 2).map(function (r) {
      var m = /^(\d{1,9})-(\d{1,9})$/.exec(r.trim());
      if (!m) return null;
      var s = parseInt(m[1], 10), e = Math.min(parseInt(m[2], 10), size);
      return s < e ? [s, e] : null;
    });
  }

  function show() {
    clear();
    var found = ranges();
    if (!found[0]) return;
    var first = wrap(found[0][0], found[0][1], "passage");
    var quote = found[1] ? wrap(found[1][0], found[1][1], "quote") : null;
    var target = quote || first;
    if (target) target.scrollIntoView({ block: "center" });
  }

  window.addEventListener("hashchange", show);
  show();
})();
