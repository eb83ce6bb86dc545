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

  function show() {
    clear();
    var ranges = decodeURIComponent(location.hash.slice(1)).split(",").map(function (r) {
      var m = /^(\d+)-(\d+)$/.exec(r);
      return m ? [parseInt(m[1], 10), parseInt(m[2], 10)] : null;
    }).filter(function (r) { return r && r[1] > r[0]; });
    if (!ranges.length) return;
    var first = wrap(ranges[0][0], ranges[0][1], "passage");
    var quote = ranges[1] ? wrap(ranges[1][0], ranges[1][1], "quote") : null;
    var target = quote || first;
    if (target) target.scrollIntoView({ block: "center" });
  }

  window.addEventListener("hashchange", show);
  show();
})();
