/* Twitch Check web chat: the result card and the doctor's summary.
 *
 * The bot sends the assessment as a custom message {"twitch_card": CARD} and the
 * summary as {"twitch_summary": SUMMARY} (channels/socketio.py sends the dict as the
 * socket message). rasa-webchat gives any message without "text" to its
 * `customComponent` prop as a React component: props are the message's keys (plus id,
 * isLast, store, dispatch). It renders them with its own React 16; the elements here
 * come from React's UMD build (/lib/react.js, from webchat/node_modules/react): React
 * elements are plain objects, so the bundle's ReactDOM renders them. Function
 * components only, no hooks (hooks would need the bundle's own React).
 *
 * Everything is text (React escapes it); nothing here uses innerHTML.
 */
(function () {
  "use strict";
  var h = window.React.createElement;
  var ICON = { emergency: "🔴", urgent: "🟠", see_doctor: "🟡", self_care: "🟢" };
  var LEVELS = ["emergency", "urgent", "see_doctor", "self_care"];

  function list(value) { return Array.isArray(value) ? value : []; }
  function text(value) { return typeof value === "string" ? value : ""; }
  function level(value) { return LEVELS.indexOf(value) >= 0 ? value : "see_doctor"; }
  function telNumber(value) { return text(value).replace(/[^0-9+]/g, ""); }

  /* ---- keep the start of a new card in view -------------------------------------
   * The widget scrolls its message list to the bottom whenever it changes (and the
   * buttons under the card arrive a moment later). When a card arrives, its top is
   * kept in view: the list is never scrolled further down than the card's top,
   * until the person scrolls, types or taps in the chat themselves. Cards restored
   * from localStorage on a reload (mounted before the socket connects) are left alone.
   *
   * The widget wraps customComponent in a new react-redux connect() on every render,
   * so React mounts the card afresh each time the message list changes: what must
   * last (already seen, which sections are open) is kept here, by message id.
   */
  var live = false, pinnedId = null, seen = {}, opened = {};
  function box() { return document.getElementById("rw-messages"); }
  function pinnedCard() {
    return pinnedId === null ? null :
      document.querySelector('#rw-messages .tc-card[data-message="' + pinnedId + '"]');
  }
  function keepCardTop() {
    var list = box(), card = pinnedCard();
    if (!list || !card) return;
    var origin = list.getBoundingClientRect().top - list.scrollTop + 8;
    var top = card.getBoundingClientRect().top - origin;
    // a short message just before the card in the same reply ("I can't tell you to
    // wait: ...") stays in view too, if it leaves the card's top well on screen
    var group = card.closest(".rw-group-message");
    if (group) {
      var groupTop = group.getBoundingClientRect().top - origin;
      if (top - groupTop <= list.clientHeight / 3) top = groupTop;
    }
    if (list.scrollTop > top) list.scrollTop = Math.max(0, top);
  }
  function release() { pinnedId = null; }
  function watch(list) {
    if (list.getAttribute("data-tc-watched")) return;
    list.setAttribute("data-tc-watched", "1");
    new MutationObserver(keepCardTop).observe(list, { childList: true, subtree: true });
    list.addEventListener("scroll", keepCardTop);
    ["wheel", "touchstart", "mousedown", "keydown"].forEach(function (type) {
      list.addEventListener(type, release, { passive: true });
    });
    var chat = document.getElementById("chat");
    if (chat) chat.addEventListener("submit", release, true);  // the person sends a message
  }
  function cardMounted(id) {
    return function (el) {
      if (!el || seen[id]) return;
      seen[id] = true;
      if (!live) return;  // restored from localStorage, not arriving now
      pinnedId = id;
      var list = box();
      if (list) watch(list);
      setTimeout(keepCardTop, 0);  // after the widget's own scroll to the bottom
      // and the chat itself on screen (a phone may have scrolled the page)
      var rect = (list || el).getBoundingClientRect();
      if (rect.top < 0 || rect.top > window.innerHeight) (list || el).scrollIntoView({ block: "nearest" });
    };
  }
  /* ---- the result card ------------------------------------------------------------
   * CARD (actions/result.py, Card.as_dict): level, badge, title, now (what to do and by
   * when), reason, also (always shown), sections [{title, lines}] (disclosure buttons),
   * call [{label, number}] and while_waiting (emergency only), reminder, sources.
   */
  function lines(items, className) {
    return h("ul", { className: className },
      list(items).map(function (line, i) { return h("li", { key: i }, text(line)); }));
  }


  /* A section is a heading with a real disclosure button (aria-expanded) and the panel it
   * shows. "Get help sooner if" starts open when the person is sent home or to a routine
   * appointment: the safety net must be seen without a click (NHS 111 online shows it open).
   * The toggle is done on the DOM (no hooks: see above) and remembered in `opened`. */
  var OPEN_AT_FIRST = { "Get help sooner if": ["see_doctor", "self_care"] };
  function isOpen(id, index, title, lvl) {
    var remembered = opened[id] && opened[id][index];
    if (remembered !== undefined) return remembered;
    return (OPEN_AT_FIRST[title] || []).indexOf(lvl) >= 0;
  }
  function toggler(panelId, remember) {
    return function (event) {
      var button = event.currentTarget, panel = document.getElementById(panelId);
      var open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", open ? "true" : "false");
      if (panel) panel.hidden = !open;
      if (remember) remember(open);
    };
  }
  function disclosure(key, panelId, title, open, content, remember, className) {
    return h("div", { key: key, className: className || "tc-section" },
      h("h3", { className: "tc-section-title" },
        h("button", { type: "button", className: "tc-disclosure", "aria-expanded": open ? "true" : "false",
                      "aria-controls": panelId, onClick: toggler(panelId, remember) }, title)),
      h("div", { id: panelId, className: "tc-panel", hidden: !open }, content));
  }
  function Section(id, lvl, s, index) {
    var title = text(s.title), open = isOpen(id, index, title, lvl);
    return disclosure(index, "tc-" + id + "-section-" + index, title, open, lines(s.lines),
      function (now) { (opened[id] = opened[id] || {})[index] = now; });
  }

  /* One emergency number first: TWITCH_EMERGENCY_NUMBERS' first entry (config.js), else the
   * one for the browser's country, else the first the bot sent; the others stay one tap away,
   * for someone abroad. */
  var BY_REGION = { GB: "999", UK: "999", US: "911", CA: "911" };
  function mainNumber(numbers) {
    var chosen = list((window.TWITCH_CHECK_CONFIG || {}).emergencyNumbers).map(telNumber);
    for (var i = 0; i < chosen.length; i++) if (numbers.indexOf(chosen[i]) >= 0) return chosen[i];
    var region = (String(navigator.language || "").split("-")[1] || "").toUpperCase();
    var local = BY_REGION[region] || (region ? "112" : "");
    return numbers.indexOf(local) >= 0 ? local : numbers[0];
  }
  function callLink(c, i) {
    return h("a", { key: i, className: "tc-call", href: "tel:" + telNumber(c.number) },
      text(c.label) || "Call " + telNumber(c.number));
  }
  function Calls(id, calls) {
    var main = mainNumber(calls.map(function (c) { return telNumber(c.number); }));
    var first = calls.filter(function (c) { return telNumber(c.number) === main; }).slice(0, 1);
    var others = calls.filter(function (c) { return first.indexOf(c) < 0; });
    return h("div", { className: "tc-calls-block" },
      h("div", { className: "tc-calls" }, first.map(callLink)),
      others.length > 0 && disclosure("others", "tc-" + id + "-other-numbers",
        main === "999" ? "Not in the UK?" : "In another country?", false,
        h("div", { className: "tc-calls tc-other-calls" }, others.map(callLink)), null, "tc-other-numbers"));
  }

  function Card(props) {
    var card = props.card || {}, id = String(props.id);
    var lvl = level(card.level);
    var badge = text(card.badge) || lvl.replace("_", " ").toUpperCase();
    var hasIcon = /^[^A-Za-z0-9]/.test(badge);
    var calls = lvl === "emergency" ? list(card.call).filter(function (c) {
      return c && telNumber(c.number);
    }) : [];
    var waiting = lvl === "emergency" ? list(card.while_waiting) : [];
    var sources = list(card.sources).map(text).filter(Boolean);
    // what to do and by when: "now" from actions/result.py ("action" accepted too)
    var action = text(card.now) || text(card.action);
    // lines that must be seen without opening anything (an unplaced symptom, a worry)
    var also = list(card.also).map(text).filter(Boolean);
    return h("section", {
      className: "rw-response tc-card tc-checked tc-triage tc-" + lvl,
      "data-level": lvl,
      "data-message": id,
      "aria-label": "Your result: " + (text(card.title) || badge),
      ref: cardMounted(id)
    },
      h("p", { className: "tc-badge" },
        hasIcon ? null : h("span", { "aria-hidden": "true" }, ICON[lvl] + " "), badge),
      h("h2", { className: "tc-title" }, text(card.title)),
      // the kind of emergency its rule names ("These can be signs of a stroke."), under the level
      text(card.kind) && h("p", { className: "tc-kind" }, text(card.kind)),
      action && h("p", { className: "tc-action" }, action),
      calls.length > 0 && Calls(id, calls),
      waiting.length > 0 && h("div", { className: "tc-waiting" },
        h("h3", null, "While you wait"), lines(waiting)),
      text(card.reason) && h("p", { className: "tc-reason" }, text(card.reason)),
      also.map(function (line, i) { return h("p", { key: "also" + i, className: "tc-also" }, line); }),
      list(card.sections).filter(function (s) { return s && list(s.lines).length; })
        .map(function (s, i) { return Section(id, lvl, s, i); }),
      text(card.reminder) && h("p", { className: "tc-reminder" }, text(card.reminder)),
      sources.length > 0 && h("p", { className: "tc-sources" }, "Sources: " + sources.join("; "))
    );
  }

  /* ---- the doctor's summary ------------------------------------------------------ */
  var SUMMARY_KEY = "twitch-check-summary";
  var SUMMARY_NAME = "Summary for my doctor";  // its one name, as on the button that asks for it

  function openSummary(summary) {
    var data = JSON.stringify(summary || {});
    // A tab opened by window.open gets a copy of this tab's sessionStorage; the
    // summary page also asks its opener, in case the copy is not made.
    try { window.sessionStorage.setItem(SUMMARY_KEY, data); } catch (e) { /* private mode */ }
    window.TwitchCheck.lastSummary = data;
    var tab = window.open("summary.html", "_blank");
    if (!tab) window.location.href = "summary.html";  // pop-ups blocked: same tab
    else window.TwitchCheck.summaryTabs.push(tab);  // cleared too after "forget me" (app.js)
  }

  function Summary(props) {
    var summary = props.summary || {};
    return h("div", { className: "rw-response tc-summary-msg tc-checked", "data-message": String(props.id) },
      h("p", null, h("strong", null, text(summary.title) || SUMMARY_NAME),
        text(summary.date) ? " (" + text(summary.date) + ")" : ""),
      h("p", null, "A page you can print or show your doctor: what you told me, " +
        "the result, the likely causes and the sources."),
      h("button", { type: "button", className: "tc-open-summary",
                    onClick: function () { openSummary(summary); } },
        "Open printable summary"));
  }

  function customComponent(props) {
    if (props && props.twitch_card) return h(Card, { card: props.twitch_card, id: props.id });
    if (props && props.twitch_summary) return h(Summary, { summary: props.twitch_summary, id: props.id });
    return null;
  }

  window.TwitchCheck = {
    customComponent: customComponent,
    connected: function () { live = true; },
    openSummary: openSummary,
    lastSummary: null,
    summaryTabs: []
  };
})();
