/* Twitch Check: the printable summary for a doctor (summary.html).
 * The chat page puts the summary the bot sent ({"twitch_summary": ...}) in
 * sessionStorage, which a tab it opens gets a copy of, and opens this page; if the
 * copy is missing, it asks the opener. Everything is added as text, never as HTML.
 */
(function () {
  "use strict";
  var KEY = "twitch-check-summary";

  function load() {
    var data = null;
    try { data = window.sessionStorage.getItem(KEY); } catch (e) { /* private mode */ }
    if (!data) {
      try { data = window.opener && window.opener.TwitchCheck && window.opener.TwitchCheck.lastSummary; }
      catch (e) { data = null; }
      if (data) { try { window.sessionStorage.setItem(KEY, data); } catch (e) { /* ok */ } }
    }
    try { return data ? JSON.parse(data) : null; } catch (e) { return null; }
  }

  function el(tag, className, content) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (content !== undefined && content !== null) node.textContent = String(content);
    return node;
  }
  function list(value) { return Array.isArray(value) ? value : []; }
  function str(value) { return typeof value === "string" ? value : ""; }

  function section(root, title, items, render, tag) {
    items = list(items).filter(Boolean);
    if (!items.length) return;
    root.appendChild(el("h2", null, title));
    var container = el(tag || "ul");
    items.forEach(function (item) { container.appendChild(render(item)); });
    root.appendChild(container);
  }

  function longDate(iso) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(str(iso));
    if (!m) return str(iso);
    var d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
    return d.toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
  }

  function render(s) {
    var root = document.getElementById("summary");
    root.textContent = "";
    if (!s) {
      root.appendChild(el("p", "empty", "There is no summary to show. In the chat, ask for a " +
        "\"Summary for my doctor\" after your result, then open it from there."));
      return;
    }
    var title = str(s.title) || "Summary for my doctor";
    document.title = title + (s.date ? " " + str(s.date) : "");
    root.appendChild(el("h1", null, title));
    root.appendChild(el("p", "date", "Date: " + longDate(s.date)));

    // "/greet" is the chat page's own opening signal (index.html, initPayload), not their words
    var said = list(s.said).filter(function (t) { return str(t).trim() && str(t).trim() !== "/greet"; });
    section(root, "What I said, in my own words", said, function (t) { return el("li", null, str(t)); });

    var answers = list(s.answers).filter(function (a) { return a && (a.question || a.answer); });
    if (answers.length) {
      root.appendChild(el("h2", null, "My answers to the questions"));
      var table = el("table");
      answers.forEach(function (a) {
        var row = el("tr");
        row.appendChild(el("th", null, str(a.question)));
        row.appendChild(el("td", null, str(a.answer)));
        table.appendChild(row);
      });
      root.appendChild(table);
    }

    if (s.badge || s.action || list(s.reasons).length) {
      root.appendChild(el("h2", null, "How urgent (Twitch Check's triage)"));
      var result = el("div", "result " + str(s.level));
      result.setAttribute("data-level", str(s.level));
      if (s.badge) result.appendChild(el("p", "badge", str(s.badge)));
      if (s.action) result.appendChild(el("p", "action", str(s.action)));
      var reasons = list(s.reasons).filter(Boolean);
      if (reasons.length) {
        var ul = el("ul");
        reasons.forEach(function (r) { ul.appendChild(el("li", null, str(r))); });
        result.appendChild(ul);
      }
      root.appendChild(result);
    }

    section(root, "What most likely explains it", s.causes, function (c) {
      var li = el("li");
      li.appendChild(el("strong", null, str(c && c.name)));
      if (c && c.why) li.appendChild(document.createTextNode(": " + str(c.why)));
      return li;
    }, "ol");
    section(root, "What I was advised to do", s.advice, function (t) { return el("li", null, str(t)); });
    section(root, "Get help sooner if", s.safety_net, function (t) { return el("li", null, str(t)); });
    section(root, "Sources", s.sources, function (t) { return el("li", null, str(t)); });
    root.appendChild(el("p", "reminder", str(s.reminder) ||
      "This is general information, not a diagnosis."));
  }

  document.getElementById("print").addEventListener("click", function () { window.print(); });
  render(load());
})();
