// The web chat page's own script (index.html loads it: the page's CSP allows no inline script).
(function () {
  var cfg = window.TWITCH_CHECK_CONFIG || {};

  // "Forget me": once the server has deleted the conversation (channels/socketio.py sends
  // "twitch_forgotten"), this browser's copy goes too: the transcript and session id the widget
  // keeps in localStorage, the summary in sessionStorage (here and in summary tabs this page
  // opened). The page then starts afresh with a new session; "#deleted" says why, and clears
  // once more, in case the widget wrote again before the reload.
  function forgetHere() {
    try { window.localStorage.clear(); } catch (e) { /* storage off: nothing kept */ }
    try { window.sessionStorage.clear(); } catch (e) { /* same */ }
    var tc = window.TwitchCheck || {};
    tc.lastSummary = null;
    (tc.summaryTabs || []).forEach(function (tab) {
      try { tab.sessionStorage.clear(); tab.close(); } catch (e) { /* closed already */ }
    });
  }
  function forgotten() {
    forgetHere();
    window.location.replace(window.location.pathname + window.location.search + "#deleted");
    window.location.reload();
  }
  if (window.location.hash === "#deleted") {
    forgetHere();
    history.replaceState(null, "", window.location.pathname + window.location.search);
    var deleted = document.getElementById("deleted");
    if (deleted) deleted.hidden = false;
  }
  // Default: Rasa's socketio channel on the same host, port 5005.
  var socketUrl = cfg.socketUrl ||
    (window.location.protocol + "//" + (window.location.hostname || "localhost") + ":5005");
  var status = document.getElementById("connection");
  function setStatus(text, down) { status.textContent = text; status.className = down ? "down" : ""; }

  // Colour-code a plain-text message that states the triage level (the fallback when
  // the assessment comes as text, not as a card).
  // The assessment opens with a badge such as "🟡 SEE A DOCTOR: ..."; a
  // "Triage level: see a doctor" sentence is recognised too.
  var LEVELS = [
    ["emergency", /^\W*EMERGENCY\b/, /triage level\W+emergency/i],
    ["urgent", /^\W*URGENT\b/, /triage level\W+urgent/i],
    ["see_doctor", /^\W*SEE A DOCTOR\b/, /triage level\W+see[ _-]?(a )?doctor/i],
    ["self_care", /^\W*SELF-CARE\b/, /triage level\W+self[ _-]?care/i]
  ];
  function markTriage(root) {
    root.querySelectorAll(".rw-response:not(.tc-checked)").forEach(function (el) {
      var text = (el.textContent || "").trim();
      if (!text) return;  // not rendered yet; look again on the next change
      el.classList.add("tc-checked");
      for (var i = 0; i < LEVELS.length; i++) {
        if (LEVELS[i][1].test(text) || LEVELS[i][2].test(text)) {
          el.classList.add("tc-triage", "tc-" + LEVELS[i][0]);
          return;
        }
      }
    });
  }
  // Phone: the notice shows the emergency line and one short line; "more" opens the rest.
  var notice = document.getElementById("notice"), toggle = document.getElementById("notice-toggle");
  toggle.addEventListener("click", function () {
    var open = notice.classList.toggle("open");
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    toggle.textContent = open ? "less" : "more";
  });

  var chat = document.getElementById("chat");
  new MutationObserver(function () { markTriage(chat); announce(); started(); keepFocus(); })
    .observe(chat, { childList: true, subtree: true });

  // Screen readers hear each new message from Twitch Check (a polite live region): the card
  // as its level, title and what to do; messages restored from this browser on a reload are
  // not read out again (only those after the socket connects are new).
  var announcer = document.getElementById("announcer"), listening = false;
  function spoken(el) {
    var card = el.classList.contains("tc-card") && el;
    if (!card) return (el.textContent || "").trim();
    return [".tc-badge", ".tc-title", ".tc-action"].map(function (part) {
      var found = card.querySelector(part);
      return found ? found.textContent.trim() : "";
    }).filter(Boolean).join(". ");
  }
  // The widget mounts a card afresh whenever the list changes: it is read once, by message id.
  var announcedIds = {};
  function announce() {
    chat.querySelectorAll(".rw-response:not(.tc-announced)").forEach(function (el) {
      var words = spoken(el), id = el.getAttribute("data-message");
      if (!words) return;  // not rendered yet
      el.classList.add("tc-announced");
      if (id) { if (announcedIds[id]) return; announcedIds[id] = true; }
      if (!listening) return;
      var line = document.createElement("p");
      line.textContent = words;
      announcer.appendChild(line);
      while (announcer.childNodes.length > 4) announcer.removeChild(announcer.firstChild);
    });
  }

  // Once the person has said something, the phone layout gives the chat the space (index.html).
  function started() {
    if (chat.querySelector(".rw-client")) document.body.classList.add("tc-started");
  }

  // A reply button disappears once chosen, and focus would fall back to the top of the page.
  // When the answer has arrived (nothing new for a moment), keyboard users go on from its first
  // choice, or the message box when it has none; unless they have moved focus themselves.
  var awaiting = false, quiet = null;
  chat.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest(".rw-reply")) awaiting = true;
  });
  function keepFocus() {
    if (!awaiting) return;
    clearTimeout(quiet);
    quiet = setTimeout(function () {
      var focused = document.activeElement;
      if (focused && focused !== document.body && chat.contains(focused) === false) { awaiting = false; return; }
      if (focused && focused !== document.body) return;  // still on the chosen button: not answered yet
      var replies = chat.querySelectorAll(".rw-replies .rw-reply");
      var next = replies.length ? replies[0] : chat.querySelector(".rw-new-message");
      if (next) { next.focus(); awaiting = false; }
    }, 600);
  }

  WebChat.default({
    socketUrl: socketUrl,
    socketPath: "/socket.io/",
    initPayload: "/greet",
    title: "Twitch Check",
    subtitle: "Information, not a diagnosis",
    inputTextFieldHint: "Type your answer…",
    embedded: true,
    withRules: false,            // Botfront-only feature
    hideWhenNotConnected: false, // show the chat (and the status line) even if Rasa is down
    showMessageDate: false,
    params: { storage: "local" }, // keep the conversation across reloads
    customMessageDelay: function () { return 300; },
    // The result card and the doctor's summary (card.js).
    customComponent: window.TwitchCheck.customComponent,
    onSocketEvent: {
      connect: function () {
        window.TwitchCheck.connected(); setStatus("Connected.");
        announce(); listening = true;  // what is on screen now was restored, not new
      },
      disconnect: function () { setStatus("Connection lost, retrying…", true); },
      twitch_forgotten: forgotten,
      connect_error: function () { setStatus("Cannot reach Twitch Check at " + socketUrl + ", retrying…", true); }
    }
  }, chat);
})();
