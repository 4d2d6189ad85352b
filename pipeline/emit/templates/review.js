// NAME.review.html: selecting marks (changes and doubts) and lines, filters, keys.
// Everything is in the page: no network, no library.
(function () {
  "use strict";
  var body = document.body;
  var details = Array.prototype.slice.call(document.querySelectorAll(".detail"));
  var current = null;

  // Whether the filter shows marks of `kind` ("change" or "doubt").
  function shown(kind) {
    var filter = body.getAttribute("data-filter");
    return filter === "all" || (filter === "changes" && kind === "change") ||
      (filter === "doubts" && kind === "doubt");
  }

  function visible(detail) { return shown(detail.getAttribute("data-kind")); }

  function markKind(el) { return el.classList.contains("change") ? "change" : "doubt"; }

  function each(selector, action) {
    Array.prototype.forEach.call(document.querySelectorAll(selector), action);
  }

  function clearSelection() {
    each(".selected", function (el) { el.classList.remove("selected"); });
    each(".line.current", function (el) { el.classList.remove("current"); });
    each(".line-box", function (el) { el.hidden = true; });
    details.forEach(function (d) { d.hidden = true; });
    var none = document.getElementById("none-selected");
    if (none) { none.hidden = false; }
    current = null;
  }

  // The line highlighted in the text and outlined on its page picture.
  function showLine(number, scrollText, scrollPage) {
    var line = document.getElementById("line-" + number);
    if (!line) { return; }
    each(".line.current", function (el) { el.classList.remove("current"); });
    each(".line-box", function (el) { el.hidden = true; });
    line.classList.add("current");
    if (scrollText) { line.scrollIntoView({ block: "center" }); }
    var page = line.getAttribute("data-page");
    var box = line.getAttribute("data-box");
    var sheet = page && document.querySelector("#page-" + page + " .sheet");
    if (!sheet || !box) { return; }
    var parts = box.split(",");
    var outline = sheet.querySelector(".line-box");
    outline.style.left = parts[0] + "%";
    outline.style.top = parts[1] + "%";
    outline.style.width = parts[2] + "%";
    outline.style.height = parts[3] + "%";
    outline.hidden = false;
    if (scrollPage) { outline.scrollIntoView({ block: "center" }); }
  }

  function select(id, scroll) {
    var detail = document.getElementById("detail-" + id);
    if (!detail) { return; }
    clearSelection();
    current = id;
    detail.hidden = false;
    document.getElementById("none-selected").hidden = true;
    each('[data-mark="' + id + '"].mark', function (el) { el.classList.add("selected"); });
    showLine(detail.getAttribute("data-line"), scroll !== false, false);
    var box = document.querySelector('.mark.box[data-mark="' + id + '"]');
    if (box && scroll !== false) { box.scrollIntoView({ block: "center" }); }
  }

  // n/j and p/k: the next or previous mark the filter shows, in reading order.
  function step(direction) {
    var shown = details.filter(visible);
    if (!shown.length) { return; }
    var at = -1;
    for (var i = 0; i < shown.length; i++) {
      if (shown[i].getAttribute("data-mark") === current) { at = i; }
    }
    var next = at < 0 ? (direction > 0 ? 0 : shown.length - 1)
      : (at + direction + shown.length) % shown.length;
    select(shown[next].getAttribute("data-mark"));
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    var mark = target.closest(".mark");
    if (mark && shown(markKind(mark))) {
      event.preventDefault();
      select(mark.getAttribute("data-mark"), mark.classList.contains("word") ? false : true);
      if (mark.classList.contains("box")) {
        var line = document.getElementById("line-" + mark.getAttribute("data-line"));
        if (line) { line.scrollIntoView({ block: "center" }); }
      } else {
        var box = document.querySelector('.mark.box[data-mark="' + current + '"]');
        if (box) { box.scrollIntoView({ block: "center" }); }
      }
      return;
    }
    var goto = target.closest("a.goto");
    if (goto) {
      event.preventDefault();
      clearSelection();
      showLine(goto.getAttribute("data-line"), true, true);
      return;
    }
    var lineEl = target.closest(".line");
    if (lineEl) {
      var first = Array.prototype.filter.call(lineEl.querySelectorAll("mark.word"),
        function (word) { return shown(markKind(word)); })[0];
      if (first) {
        select(first.getAttribute("data-mark"), false);
        var firstBox = document.querySelector('.mark.box[data-mark="' + current + '"]');
        if (firstBox) { firstBox.scrollIntoView({ block: "center" }); }
      } else {
        clearSelection();
      }
      showLine(lineEl.getAttribute("data-line"), false, !first);
    }
  });

  each('input[name="filter"]', function (input) {
    input.addEventListener("change", function () {
      body.setAttribute("data-filter", input.value);
      var detail = current && document.getElementById("detail-" + current);
      if (detail && !visible(detail)) { clearSelection(); }
    });
  });

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (event.target.tagName === "INPUT" && event.target.type === "text") { return; }
    var key = event.key;
    if (key === "n" || key === "j") { step(1); event.preventDefault(); }
    else if (key === "p" || key === "k") { step(-1); event.preventDefault(); }
    else if (key === "Escape") { clearSelection(); }
  });
}());
