/* The watch page (also clip pages and embeds): the transcript panel follows the media without ever
 * scrolling the window, every line seeks, one search inside the recording, chapters and hits on the
 * timeline, keyboard shortcuts, links to moments copied in one action.
 * Without JavaScript every line is still a ?t= link, the media starts with a #t= fragment, the
 * search box reloads the page with its hits marked, and "Aller à la réplique en cours" is an anchor.
 */
(function () {
  "use strict";
  var page = document.querySelector(".watch");
  if (!page || !window.PortalPlayers) { return; }
  document.documentElement.classList.add("js");

  var startMs = parseInt(page.getAttribute("data-start-ms") || "0", 10);
  var segmentEnd = page.hasAttribute("data-end-ms") ? parseInt(page.getAttribute("data-end-ms"), 10) / 1000 : null;
  var durationMs = parseInt(page.getAttribute("data-duration-ms") || "0", 10);
  var segmentStart = startMs / 1000;
  var located = page.hasAttribute("data-located");
  var ownUrl = page.classList.contains("clip-page") || page.classList.contains("embed-watch");  // the URL is the clip's
  var area = page.querySelector(".player-area");
  var stage = document.getElementById("stage");
  var scroller = document.getElementById("transcript-scroll");
  var transcript = document.getElementById("transcript");
  var cues = [], starts = [], ends = [];
  /* A long transcript comes in parts (one rendered at a time); most have one. */
  var partBox = document.getElementById("transcript-part");
  var partNumber = 1, partCount = 1, partSize = 0, partStarts = [0], partUrl = null;
  function readLines() {
    transcript = document.getElementById("transcript");
    partBox = document.getElementById("transcript-part");
    cues = transcript ? Array.prototype.slice.call(transcript.querySelectorAll(".cue")) : [];
    starts = cues.map(function (li) { return parseInt(li.getAttribute("data-start-ms"), 10) / 1000; });
    ends = cues.map(function (li) { return parseInt(li.getAttribute("data-end-ms"), 10) / 1000; });
    if (partBox) {
      partNumber = parseInt(partBox.getAttribute("data-part"), 10) || 1;
      partCount = parseInt(partBox.getAttribute("data-parts"), 10) || 1;
      partSize = parseInt(partBox.getAttribute("data-part-size"), 10) || 0;
      partStarts = (partBox.getAttribute("data-part-starts") || "0").split(",").map(function (v) { return parseInt(v, 10) / 1000; });
      partUrl = partBox.getAttribute("data-part-url");
    }
  }
  readLines();
  var announcer = document.getElementById("announcer");
  var followButton = document.getElementById("follow");
  var resumeButton = document.getElementById("resume");
  var listenButton = document.getElementById("listen");
  var player = null;
  var current = -1;
  var follow = true;

  function announce(message) {
    if (!announcer) { return; }
    announcer.textContent = "";
    window.setTimeout(function () { announcer.textContent = message; }, 30);
  }

  var clock = window.PortalPlayers.clock;
  function number(n) { return Number(n).toLocaleString(document.documentElement.lang || "fr"); }

  /* 12:34.56 when the time is not on a second (clips taken from lines keep their milliseconds). */
  function preciseClock(seconds) {
    var ms = Math.round(seconds * 1000) % 1000;
    return clock(seconds) + (ms ? ("." + String(ms).padStart(3, "0")).replace(/0+$/, "") : "");
  }

  function secondsParam(seconds) {
    var ms = Math.round(seconds * 1000);
    return ms % 1000 === 0 ? String(ms / 1000) : (ms / 1000).toFixed(3).replace(/0+$/, "").replace(/\.$/, "");
  }

  function watchPath() { return page.getAttribute("data-watch-url"); }

  /* The address bar says where the person is (?t=), keeping the rest of the query (q=), on the watch page only. */
  function rememberMoment(seconds) {
    if (ownUrl || segmentEnd !== null) { return; }
    var url = new URL(window.location.href);
    url.searchParams.set("t", secondsParam(seconds));
    url.hash = "";
    window.history.replaceState(null, "", url.pathname + url.search);
  }

  /* Leaving an extract on the watch page (a line, chapter or marker elsewhere) plays the webinar on from there. */
  function leaveSegmentFor(seconds) {
    if (ownUrl || segmentEnd === null) { return; }
    if (seconds < segmentStart - 0.5 || seconds >= segmentEnd - 0.05) { segmentEnd = null; }
  }

  function momentUrl(seconds) {
    return window.location.origin + watchPath() + "?t=" + secondsParam(seconds);
  }

  /* The same time forms as the server: 754, 754.5, 12:34, 1:02:03, 12m34s, 1h2m3s. */
  function parseTime(text) {
    text = (text || "").trim().toLowerCase();
    var m;
    if ((m = /^(\d+)(?:[.,](\d{1,3}))?$/.exec(text))) { return parseInt(m[1], 10) + (m[2] ? parseFloat("0." + m[2]) : 0); }
    if ((m = /^(?:(\d+):)?(\d{1,2}):(\d{2})(?:[.,](\d{1,3}))?$/.exec(text))) {
      return (parseInt(m[1] || "0", 10) * 3600) + parseInt(m[2], 10) * 60 + parseInt(m[3], 10) + (m[4] ? parseFloat("0." + m[4]) : 0);
    }
    if ((m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)(?:[.,](\d{1,3}))?s)?$/.exec(text)) && text) {
      return parseInt(m[1] || "0", 10) * 3600 + parseInt(m[2] || "0", 10) * 60 + parseInt(m[3] || "0", 10) + (m[4] ? parseFloat("0." + m[4]) : 0);
    }
    return null;
  }

  /* The line said at `seconds`; in a short silence before a line, that line (as the server decides). */
  function indexAt(seconds) {
    var lo = 0, hi = starts.length - 1, found = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (starts[mid] <= seconds + 0.05) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    var next = found + 1;
    if (next < starts.length && (found < 0 || ends[found] < seconds) && starts[next] <= seconds + 1) { return next; }
    return found;
  }

  function cueStart(li) { return parseInt(li.getAttribute("data-start-ms"), 10) / 1000; }

  /* The part holding the line said at `seconds` (a line about to start, within a second, counts). */
  function partAt(seconds) {
    var found = 1;
    for (var i = 1; i < partStarts.length; i++) { if (partStarts[i] <= seconds + 1) { found = i + 1; } }
    return found;
  }
  function partOfPosition(position) { return partSize ? Math.floor(position / partSize) + 1 : 1; }
  /* Whether the line said at `seconds` is among the lines shown (the server's rule: in the second
   * before a part begins, the line still being said, else the one about to start). */
  function inThisPart(seconds) {
    if (partCount === 1) { return true; }
    var from = partStarts[partNumber - 1], to = partNumber < partCount ? partStarts[partNumber] : Infinity;
    if (seconds >= to) { return false; }
    if (seconds >= to - 1) { return ends.length > 0 && ends[ends.length - 1] >= seconds; }
    return partNumber === 1 || seconds >= from - 1;
  }

  var partLoading = null, partWanted = null, partFailed = null;
  /* Swap the panel's lines for another part's, in place (the media plays on). */
  function loadPart(number) {
    if (!partUrl || number === partNumber || number < 1 || number > partCount) { return Promise.resolve(number === partNumber); }
    if (partLoading && partWanted === number) { return partLoading; }
    partWanted = number;
    var url = partUrl + number + (searchedFor ? "?q=" + encodeURIComponent(searchedFor) : "");
    partLoading = fetch(url, { headers: { Accept: "text/html" }, credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.text(); })
      .then(function (html) {
        if (partWanted !== number) { return false; }  // another part was asked for meanwhile
        var holder = document.createElement("div");
        holder.innerHTML = html;
        var fresh = holder.querySelector("#transcript-part");
        if (!fresh || !partBox) { return false; }
        partBox.replaceWith(fresh);
        if (current >= 0) { current = -1; }
        rovingLink = null;
        readLines();
        cues.forEach(function (li) { var a = li.querySelector("a.ts"); if (a) { a.tabIndex = -1; } });
        setRoving(cues[0]);
        relinkHits();
        partFailed = null;
        if (scroller) { scroller.scrollTop = 0; expectedScroll = 0; }
        return true;
      })
      .catch(function () {
        // Said once; the playback does not ask again for a while (the transcript may have changed: reload).
        var repeated = partFailed && partFailed.number === number;
        partFailed = { number: number, at: Date.now() };
        if (!repeated) { announce(portalT("Cette partie de la transcription n'a pas pu être chargée ; rechargez la page.")); }
        return false;
      })
      .then(function (ok) { if (partWanted === number) { partLoading = null; partWanted = null; } return ok; });
    return partLoading;
  }

  /* -- the panel scrolls, never the window ------------------------------------------------------- */

  var expectedScroll = null;

  /* Put a line at `fraction` of the part of the panel that is on screen (on a phone the panel can
   * run below the first screen, or under the pinned player). */
  function placeInPanel(li, fraction) {
    if (!scroller || !li) { return; }
    var box = scroller.getBoundingClientRect();
    var top = box.top, bottom = box.bottom;
    if (stage && window.getComputedStyle(stage).position === "sticky") { top = Math.max(top, stage.getBoundingClientRect().bottom); }
    bottom = Math.min(bottom, window.innerHeight);
    if (bottom - top < li.offsetHeight * 3) { top = box.top; bottom = box.bottom; }
    var offset = li.getBoundingClientRect().top - top;
    var target = scroller.scrollTop + offset - Math.max(0, (bottom - top) * fraction - li.offsetHeight / 2);
    scroller.scrollTop = Math.max(0, target);
    expectedScroll = scroller.scrollTop;
  }

  function inView(li) {
    if (!scroller) { return true; }
    var box = scroller.getBoundingClientRect(), r = li.getBoundingClientRect();
    return r.top >= box.top && r.bottom <= box.bottom;
  }

  function setFollow(on, place) {
    follow = on;
    if (followButton) { followButton.setAttribute("aria-pressed", on ? "true" : "false"); }
    if (resumeButton) { resumeButton.hidden = on || !player; }
    if (on && player && !inThisPart(player.currentTime())) { loadPart(partAt(player.currentTime())).then(function () { showTime(player.currentTime()); }); return; }
    if (on && place !== false && current >= 0) { placeInPanel(cues[current], 0.3); }
  }

  var touchedAt = 0;
  if (scroller) {
    ["wheel", "touchstart", "touchmove", "pointerdown", "keydown"].forEach(function (name) {
      scroller.addEventListener(name, function () { touchedAt = Date.now(); }, { passive: true });
    });
    scroller.addEventListener("scroll", function () {
      if (expectedScroll !== null && Math.abs(scroller.scrollTop - expectedScroll) < 2) { return; }
      // The panel resizing (the pinned player settling on a phone) moves the position near the end of the
      // lines: only a scroll following the person's wheel, touch, pointer or key stops the following.
      if (Date.now() - touchedAt > 1500) { expectedScroll = scroller.scrollTop; return; }
      expectedScroll = null;
      if (follow) { setFollow(false); }
    }, { passive: true });
  }
  if (followButton) { followButton.addEventListener("click", function () { setFollow(!follow); announce(follow ? portalT("Suivi de la lecture activé") : portalT("Suivi de la lecture désactivé")); }); }
  if (resumeButton) { resumeButton.addEventListener("click", function () { setFollow(true); }); }

  /* -- the current line, the current chapter, the progress --------------------------------------- */

  var chapters = Array.prototype.slice.call(document.querySelectorAll(".timeline .chapter"));
  var chapterStarts = chapters.map(function (a) { return parseInt(a.getAttribute("data-start-ms"), 10) / 1000; });
  var nowChapter = document.getElementById("now-chapter");
  var chapterIndex = -2;
  var progress = document.querySelector(".timeline .progress");

  function showChapter(seconds) {
    var index = -1;
    for (var i = 0; i < chapterStarts.length; i++) { if (chapterStarts[i] <= seconds + 0.05) { index = i; } }
    if (index === chapterIndex) { return; }
    chapterIndex = index;
    chapters.forEach(function (a, i) { a.classList.toggle("current", i === index); });
    if (!nowChapter) { return; }
    nowChapter.hidden = index < 0;
    if (index >= 0) {
      var label = chapters[index].querySelector("title").textContent.replace(/^\S+\s/, "");
      nowChapter.querySelector(".value").textContent = number(index + 1) + "/" + number(chapters.length) + " · " + label;
    }
  }

  var rovingLink = null;
  function setRoving(li) {
    var link = li ? li.querySelector("a.ts") : null;
    if (!link || link === rovingLink) { return; }
    if (rovingLink) { rovingLink.tabIndex = -1; }
    rovingLink = link;
    link.tabIndex = 0;
  }

  function mark(index) {
    if (index === current) { return; }
    if (current >= 0 && cues[current]) { cues[current].classList.remove("current"); cues[current].removeAttribute("aria-current"); }
    current = index;
    if (index < 0) { return; }
    var li = cues[index];
    li.classList.add("current");
    li.setAttribute("aria-current", "true");
    if (!transcript.contains(document.activeElement)) { setRoving(li); }
    var toLine = document.getElementById("to-line");
    if (toLine) { toLine.setAttribute("href", "#" + li.id); }
    if (follow) { placeInPanel(li, 0.3); }
  }

  function showTime(t) {
    var here = inThisPart(t);
    var resting = partFailed && Date.now() - partFailed.at < 15000;
    if (!here && follow && player && !partLoading && !resting) { loadPart(partAt(t)).then(function (ok) { if (ok) { showTime(player.currentTime()); } }); }
    var index = here ? indexAt(t) : -1;
    mark(index);
    showChapter(index >= 0 ? Math.max(t, starts[index]) : t);  // a line about to start belongs to its chapter
    if (progress && durationMs) { progress.setAttribute("width", String(Math.min(1000, (t * 1000 / durationMs) * 1000))); }
  }

  function seek(seconds, play) {
    if (!player) { return; }
    if (durationMs) { seconds = Math.min(seconds, durationMs / 1000); }
    seconds = Math.max(0, seconds);
    leaveSegmentFor(seconds);
    player.seek(seconds);
    showTime(seconds);
    updateListen();
    if (play) { player.play(); }
  }

  /* -- "Écouter à partir de 12:34": one tap, since browsers block autoplay -------------------------- */

  /* Stopped at (or just after) the end of the extract: playing again starts it over. */
  function atSegmentEnd(t) { return segmentEnd !== null && t >= segmentEnd - 0.05 && t <= segmentEnd + 0.5; }

  function updateListen() {
    if (!listenButton || !player) { return; }
    var playing = !player.paused();
    listenButton.classList.toggle("playing", playing);
    var t = player.currentTime();
    var atSegmentStart = segmentEnd !== null && Math.abs(t - segmentStart) <= 0.5;
    var label = playing ? portalT("Pause") : (atSegmentStart || atSegmentEnd(t) ? portalT("Écouter l'extrait") : (t > 0.5 ? portalT("Écouter à partir de {time}", { time: clock(t) }) : portalT("Écouter")));
    listenButton.querySelector(".label").textContent = label;
  }
  if (listenButton) {
    listenButton.addEventListener("click", function () {
      if (!player) { return; }
      if (player.paused()) {
        if (atSegmentEnd(player.currentTime())) { player.seek(segmentStart); }
        player.play();
      } else {
        player.pause();
      }
    });
  }

  /* -- copying links ---------------------------------------------------------------------------- */

  function copy(text, what) {
    function done() { announce(portalT("Lien copié : {what}", { what: what })); }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { fallbackCopy(text); done(); });
    } else {
      fallbackCopy(text);
      done();
    }
  }

  function fallbackCopy(text) {
    var input = document.createElement("textarea");
    input.value = text;
    input.setAttribute("readonly", "");
    input.className = "visually-hidden";
    document.body.appendChild(input);
    input.select();
    try { document.execCommand("copy"); } catch (e) { /* the link stays visible in the address bar */ }
    input.remove();
  }

  var copyCue = document.createElement("button");
  copyCue.type = "button";
  copyCue.className = "copy-cue";
  // A link icon in the line's right margin (kept free for it), so that it never covers the words.
  copyCue.innerHTML = '<svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" focusable="false"><path fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" d="M10 14a4 4 0 0 0 5.66 0l3-3a4 4 0 0 0-5.66-5.66l-1 1M14 10a4 4 0 0 0-5.66 0l-3 3a4 4 0 0 0 5.66 5.66l1-1"/></svg>';
  copyCue.title = portalT("Copier le lien de ce moment");
  function offerCopy(li) {
    if (!li || copyCue.parentNode === li) { return; }
    var seconds = cueStart(li);
    copyCue.setAttribute("aria-label", portalT("Copier le lien vers {time}", { time: clock(seconds) }));
    copyCue.setAttribute("data-seconds", String(seconds));
    copyCue.tabIndex = -1;  // reached by the mouse; the keyboard has "c" and each line's own link
    li.appendChild(copyCue);
  }
  copyCue.addEventListener("click", function (event) {
    event.preventDefault();
    event.stopPropagation();
    var seconds = parseFloat(copyCue.getAttribute("data-seconds"));
    copy(momentUrl(seconds), clock(seconds));
  });

  // « Signaler une erreur »: about the line being listened to, not only the one landed on.
  var reportLink = document.getElementById("report-error");
  if (reportLink) {
    reportLink.addEventListener("click", function () {
      var url = new URL(reportLink.href, window.location.href);
      url.searchParams.set("t", secondsParam(player ? player.currentTime() : startMs / 1000));
      reportLink.href = url.pathname + url.search;
    });
  }

  var copyNow = document.getElementById("copy-now");
  if (copyNow) {
    copyNow.addEventListener("click", function () {
      var t = player ? player.currentTime() : startMs / 1000;
      copy(momentUrl(Math.floor(t)), clock(t));
    });
  }

  /* -- the transcript: the whole line is the target; arrows move between lines ------------------- */

  var api = {};
  var pressedAt = null;
  var usingKeys = false;
  document.addEventListener("keydown", function () { usingKeys = true; }, true);
  document.addEventListener("pointerdown", function () { usingKeys = false; }, true);

  function goToCue(li, fromKeyboard) {
    if (api.pick) { var pick = api.pick; api.pick = null; pick(li); return; }
    var seconds = cueStart(li);
    var wasPlaying = player && !player.paused();
    if (!player) { window.location.href = li.querySelector("a.ts").href; return; }
    setRoving(li);
    follow = false;  // the line is where the person clicked it: no jump under the pointer
    seek(seconds, wasPlaying);
    setFollow(true, false);
    if (!fromKeyboard) { rovingLink.focus({ preventScroll: true }); }  // the arrows go on from the clicked line
    rememberMoment(seconds);
    if (fromKeyboard || !wasPlaying) { announce(wasPlaying ? portalT("Placé à {time}", { time: clock(seconds) }) : portalT("Placé à {time}. Lecture : touche k ou bouton Écouter.", { time: clock(seconds) })); }
  }

  var linesBox = scroller || transcript;  // what holds the lines, whichever part is shown
  if (transcript) {
    // One Tab stop for the whole transcript; the arrows move between lines (said by each link's description).
    var hint = document.getElementById("ts-hint");
    if (hint) { hint.textContent += " " + hint.getAttribute("data-keys"); }
    cues.forEach(function (li) { var a = li.querySelector("a.ts"); if (a) { a.tabIndex = -1; } });
    setRoving(cues[0]);
    linesBox.addEventListener("mousedown", function (event) { pressedAt = [event.clientX, event.clientY]; });
    linesBox.addEventListener("click", function (event) {
      if (event.defaultPrevented || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) { return; }
      var partLink = event.target.closest(".part-nav a[data-part]");
      if (partLink) {
        event.preventDefault();
        var wanted = parseInt(partLink.getAttribute("data-part"), 10), backwards = partLink.getAttribute("rel") === "prev";
        loadPart(wanted).then(function (ok) { if (ok) { enterPart(backwards); } });
        return;
      }
      var li = event.target.closest(".cue");
      if (!li || event.target.closest("a:not(.ts), button")) { return; }
      // A drag that selects words is not a click on the line.
      var selection = window.getSelection();
      var byPointer = event.detail > 0;  // Enter on a line's link is a click too, with no pointer position
      var dragged = byPointer && pressedAt && (Math.abs(event.clientX - pressedAt[0]) > 4 || Math.abs(event.clientY - pressedAt[1]) > 4);
      pressedAt = null;
      if (dragged || (byPointer && selection && !selection.isCollapsed && li.contains(selection.anchorNode))) { return; }
      event.preventDefault();
      goToCue(li, event.detail === 0);
    });
    linesBox.addEventListener("keydown", function (event) {
      var li = event.target.closest(".cue");
      if (!li || event.altKey || event.ctrlKey || event.metaKey) { return; }
      var index = cues.indexOf(li), next = null;
      if (event.key === "ArrowDown") { next = cues[index + 1]; }
      else if (event.key === "ArrowUp") { next = cues[index - 1]; }
      else if (event.key === "Home") { next = cues[0]; }
      else if (event.key === "End") { next = cues[cues.length - 1]; }
      else { return; }
      event.preventDefault();
      if (!next && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
        // The arrows go on into the next (or previous) part of a long transcript.
        var backwards = event.key === "ArrowUp";
        loadPart(partNumber + (backwards ? -1 : 1)).then(function (ok) { if (ok) { enterPart(backwards); } });
        return;
      }
      if (!next) { return; }
      setRoving(next);
      rovingLink.focus({ preventScroll: true });
      if (!inView(next)) { placeInPanel(next, 0.5); }
      if (follow && next !== cues[current]) { setFollow(false); }
    });
    linesBox.addEventListener("focusin", function (event) {
      var li = event.target.closest(".cue");
      offerCopy(li);
      if (li && !inView(li)) { placeInPanel(li, 0.5); }
      // Reaching a line with the keyboard while it plays: following would carry the focused line away.
      if (usingKeys && follow && player && !player.paused()) { setFollow(false, false); }
    });
    linesBox.addEventListener("mouseover", function (event) { offerCopy(event.target.closest(".cue")); });
  }

  /* After moving to another part by its link or the arrows: its first line (its last, going back), focused. */
  function enterPart(backwards) {
    var li = backwards ? cues[cues.length - 1] : cues[0];
    if (!li) { return; }
    if (follow) { setFollow(false); }
    setRoving(li);
    rovingLink.focus({ preventScroll: true });
    // On a phone the bottom link is reached by scrolling the window: the panel comes back under the
    // pinned player, so that the new part's first lines are not hidden behind it.
    var panel = document.getElementById("transcript-panel");
    if (stage && panel && window.getComputedStyle(stage).position === "sticky") {
      var hidden = stage.getBoundingClientRect().bottom - panel.getBoundingClientRect().top;
      if (hidden > 0) { window.scrollBy(0, -hidden); }
    }
    if (backwards) { placeInPanel(li, 0.9); } else if (scroller) { scroller.scrollTop = 0; expectedScroll = 0; }  // the part's links in view
    announce(portalT("Partie {part} sur {count}, à partir de {time}", { part: number(partNumber), count: number(partCount), time: clock(cueStart(cues[0])) }));
  }

  var toLine = document.getElementById("to-line");
  if (toLine) {
    toLine.addEventListener("click", function (event) {
      if (player && !inThisPart(player.currentTime())) {
        event.preventDefault();
        loadPart(partAt(player.currentTime())).then(function (ok) { if (ok) { showTime(player.currentTime()); toLine.click(); } });
        return;
      }
      var li = current >= 0 ? cues[current] : document.querySelector(toLine.getAttribute("href"));
      if (!li) { return; }
      event.preventDefault();
      setRoving(li);
      placeInPanel(li, 0.3);
      rovingLink.focus({ preventScroll: true });
    });
  }

  /* -- one search inside the recording ---------------------------------------------------------- */

  var within = document.getElementById("within");
  var query = document.getElementById("within-q");
  var status = document.getElementById("within-status");
  var prevButton = document.getElementById("within-prev");
  var nextButton = document.getElementById("within-next");
  var marksLayer = document.querySelector(".timeline .hit-marks");
  var hitStrip = document.querySelector(".timeline .hit-strip");
  var hits = [], hitIndex = -1, searchSeq = 0, searchedFor = null;
  var SVG = "http://www.w3.org/2000/svg";

  function clearHits() {
    transcript.querySelectorAll(".cue-text mark").forEach(function (m) { m.replaceWith(document.createTextNode(m.textContent)); });
    transcript.querySelectorAll(".cue-text").forEach(function (span) { span.normalize(); });
    transcript.querySelectorAll(".cue.hit-active").forEach(function (li) { li.classList.remove("hit-active"); });
    if (marksLayer) { marksLayer.textContent = ""; }
    hits = [];
    hitIndex = -1;
  }

  function markText(span, ranges) {
    var text = span.textContent, cursor = 0, first = null;
    span.textContent = "";
    ranges.forEach(function (range) {
      if (range[0] < cursor || range[1] > text.length) { return; }
      span.appendChild(document.createTextNode(text.slice(cursor, range[0])));
      var m = document.createElement("mark");
      m.textContent = text.slice(range[0], range[1]);
      span.appendChild(m);
      first = first || m;
      cursor = range[1];
    });
    span.appendChild(document.createTextNode(text.slice(cursor)));
    return first;
  }

  function drawMarkers() {
    if (!marksLayer || !durationMs) { return; }
    marksLayer.textContent = "";
    hits.forEach(function (hit, i) {
      var r = document.createElementNS(SVG, "rect");
      r.setAttribute("x", String(Math.min(996, Math.floor(hit.start * 1000 * 1000 / durationMs))));
      r.setAttribute("y", "2");
      r.setAttribute("width", "4");
      r.setAttribute("height", "10");
      if (i === hitIndex) { r.setAttribute("class", "active"); }
      marksLayer.appendChild(r);
    });
  }

  function setStatus(parts) {
    status.textContent = "";
    var p = document.createElement("p");
    parts.forEach(function (part) {
      if (typeof part === "string") { p.appendChild(document.createTextNode(part)); } else { p.appendChild(part); }
    });
    status.appendChild(p);
  }

  function element(tag, attrs, text) {
    var el = document.createElement(tag);
    Object.keys(attrs).forEach(function (k) { el.setAttribute(k, attrs[k]); });
    if (text) { el.textContent = text; }
    return el;
  }

  function suggestionParts(word) {
    // One sentence around the button: the words before and after "{word}" in the translation.
    var sentence = portalT("Vouliez-vous dire {word} ?"), at = sentence.indexOf("{word}");
    if (at < 0) { return [" · " + sentence + " ", element("button", { type: "button", "class": "linkish", "data-suggestion": word }, word)]; }
    return [" · " + sentence.slice(0, at), element("button", { type: "button", "class": "linkish", "data-suggestion": word }, word), sentence.slice(at + "{word}".length)];
  }

  function searchAllLink(q, label) {
    return element("a", { "class": "search-all", href: within.getAttribute("data-search-all") + (q ? "?q=" + encodeURIComponent(q) : "") }, label);
  }

  function showCount(q) {
    var count = element("span", { "class": "within-count" });
    if (!hits.length) {
      count.textContent = portalT("Aucun passage pour « {query} »", { query: q });
    } else if (hitIndex < 0) {
      count.textContent = hits.length > 1 ? portalT("{count} passages", { count: number(hits.length) }) : portalT("{count} passage", { count: number(hits.length) });
    } else {
      count.appendChild(element("span", { "aria-hidden": "true" }, number(hitIndex + 1) + " / " + number(hits.length)));
      count.appendChild(element("span", { "class": "visually-hidden" }, portalT("passage {number} sur {count}", { number: number(hitIndex + 1), count: number(hits.length) })));
    }
    return count;
  }

  function render(q, extra) {
    var parts = [showCount(q)];
    if (hitIndex >= 0) { parts.push(" · " + clock(hits[hitIndex].start) + " "); parts.push(element("button", { type: "button", "class": "secondary play-hit", "data-play-hit": "" }, portalT("Écouter ce passage"))); }
    (extra || []).forEach(function (x) { parts.push(x); });
    parts.push(" · ");
    parts.push(searchAllLink(q, portalT("dans tous les webinaires")));
    setStatus(parts);
    prevButton.disabled = nextButton.disabled = hits.length === 0;
  }

  /* After a part is swapped in: the passages on its lines (the server marked their words). */
  function relinkHits() {
    hits.forEach(function (hit, i) {
      hit.li = document.getElementById("cue-" + hit.pos);
      hit.mark = hit.li ? hit.li.querySelector(".cue-text mark") : null;
      if (hit.li && i === hitIndex) { hit.li.classList.add("hit-active"); if (hit.mark) { hit.mark.classList.add("active"); } }
    });
  }

  function activate(index, scroll) {
    if (!hits.length) { return Promise.resolve(); }
    if (hitIndex >= 0 && hits[hitIndex] && hits[hitIndex].li) { hits[hitIndex].li.classList.remove("hit-active"); if (hits[hitIndex].mark) { hits[hitIndex].mark.classList.remove("active"); } }
    hitIndex = (index + hits.length) % hits.length;
    var hit = hits[hitIndex];
    if (!hit.li) {
      // A passage in another part of a long transcript: that part first.
      var wanted = hitIndex;
      if (scroll && follow) { setFollow(false, false); }
      return loadPart(partOfPosition(hit.pos)).then(function (ok) { if (ok && hits[wanted] === hit && hit.li) { hitIndex = -1; return activate(wanted, scroll); } });
    }
    hit.li.classList.add("hit-active");
    if (hit.mark) { hit.mark.classList.add("active"); }
    setRoving(hit.li);
    if (scroll) {
      if (follow) { setFollow(false); }
      placeInPanel(hit.li, 0.3);
    }
    drawMarkers();
    render(searchedFor, lastExtra);
    return Promise.resolve();
  }

  var lastExtra = [];

  function applyResults(data) {
    clearHits();
    searchedFor = data.query;
    (data.hits || []).forEach(function (hit) {
      var li = document.getElementById("cue-" + hit.cue);  // null for a line of another part
      var span = li ? li.querySelector(".cue-text") : null;
      hits.push({ pos: hit.cue, li: li, start: hit.start_ms / 1000, mark: span ? markText(span, hit.marks || []) : null });
    });
    lastExtra = [];
    (data.notices || []).forEach(function (n) { lastExtra.push(" · " + n); });
    if (data.suggestion) { lastExtra = lastExtra.concat(suggestionParts(data.suggestion)); }
    // The first passage at or after the playback, so the search does not send the person backwards.
    var t = player ? player.currentTime() : startMs / 1000;
    var first = 0;
    for (var i = 0; i < hits.length; i++) { if (hits[i].start >= t - 0.5) { first = i; break; } }
    if (hits.length) {
      activate(first, true);
    } else {
      drawMarkers();
      render(searchedFor, lastExtra);
    }
    announce(foundMessage(searchedFor));
  }

  /* What a search found, said in one sentence. */
  function foundMessage(q) {
    if (!hits.length) { return portalT("Aucun passage pour « {query} »", { query: q }); }
    var values = { count: number(hits.length), query: q };
    if (hitIndex < 0) { return hits.length > 1 ? portalT("{count} passages pour « {query} »", values) : portalT("{count} passage pour « {query} »", values); }
    values.number = number(hitIndex + 1);
    values.time = clock(hits[hitIndex].start);
    return hits.length > 1 ? portalT("{count} passages pour « {query} », passage {number} à {time}", values) : portalT("{count} passage pour « {query} », passage {number} à {time}", values);
  }

  function runSearch() {
    var q = query.value.trim();
    if (q === searchedFor) { return; }
    if (q.length < 2) {
      searchSeq += 1;  // an answer still on its way is for older words
      searchedFor = null;
      clearHits();
      setStatus([searchAllLink(q, portalT("Chercher dans tous les webinaires"))]);
      prevButton.disabled = nextButton.disabled = true;
      return;
    }
    var seq = ++searchSeq;
    fetch(within.getAttribute("data-api") + "?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); })
      .then(function (data) { if (seq === searchSeq) { applyResults(data); } })
      .catch(function () { if (seq === searchSeq) { setStatus([portalT("La recherche n'a pas répondu ; réessayez.")]); } });
  }

  function step(delta) {
    if (!hits.length) { return; }
    activate(hitIndex + delta, true);
    announce(portalT("Passage {number} sur {count}, à {time}", { number: number(hitIndex + 1), count: number(hits.length), time: clock(hits[hitIndex].start) }));
  }

  if (within && query && transcript) {
    within.classList.add("live");
    // Hits the server already marked (a link from the site search, or the page without JavaScript).
    var initial = query.value.trim();
    if (initial) {
      searchedFor = initial;
      cues.forEach(function (li) {
        var m = li.querySelector(".cue-text mark");
        if (m) { hits.push({ pos: parseInt(li.id.slice(4), 10), li: li, start: cueStart(li), mark: m }); }
      });
      var suggestion = status.querySelector("[data-suggestion]");
      lastExtra = [];
      status.querySelectorAll(".within-notice").forEach(function (p) { lastExtra.push(" · " + p.textContent); });
      if (suggestion) { lastExtra = lastExtra.concat(suggestionParts(suggestion.getAttribute("data-suggestion"))); }
      var at = 0;
      for (var h = 0; h < hits.length; h++) { if (hits[h].start >= startMs / 1000 - 0.5) { at = h; break; } }
      if (hits.length) { hitIndex = at; hits[at].li.classList.add("hit-active"); hits[at].mark.classList.add("active"); drawMarkers(); }
      render(initial, lastExtra);
      if (partCount > 1) {
        // The page holds one part: the passages of the others come from the search itself, for ↑/↓.
        var activePos = hitIndex >= 0 ? hits[hitIndex].pos : null, seq = ++searchSeq;
        fetch(within.getAttribute("data-api") + "?q=" + encodeURIComponent(initial), { headers: { Accept: "application/json" }, credentials: "same-origin" })
          .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); })
          .then(function (data) {
            if (seq !== searchSeq || searchedFor !== initial) { return; }
            hits = (data.hits || []).map(function (hit) { return { pos: hit.cue, li: null, start: hit.start_ms / 1000, mark: null }; });
            hitIndex = -1;
            hits.forEach(function (hit, i) { if (hit.pos === activePos) { hitIndex = i; } });
            relinkHits();
            drawMarkers();
            render(initial, lastExtra);
          })
          .catch(function () { /* the hits of this part stay usable */ });
      }
    }
    var timer = null;
    query.addEventListener("input", function () { window.clearTimeout(timer); timer = window.setTimeout(runSearch, 250); });
    query.addEventListener("keydown", function (event) {
      if (event.key !== "Enter") { return; }
      event.preventDefault();
      window.clearTimeout(timer);
      if (query.value.trim() !== searchedFor) { runSearch(); return; }
      step(event.shiftKey ? -1 : 1);
    });
    within.addEventListener("submit", function (event) { event.preventDefault(); runSearch(); });
    prevButton.addEventListener("click", function () { step(-1); });
    nextButton.addEventListener("click", function () { step(1); });
    status.addEventListener("click", function (event) {
      var suggested = event.target.closest("[data-suggestion]");
      if (suggested) { event.preventDefault(); query.value = suggested.getAttribute("data-suggestion"); runSearch(); query.focus(); return; }
      if (event.target.closest("[data-play-hit]") && hitIndex >= 0) {
        var byKeys = event.detail === 0, at = hitIndex;
        activate(at, false).then(function () { if (hits[at] && hits[at].li) { goToCue(hits[at].li, byKeys); if (player) { player.play(); } } });
      }
    });
  }

  if (hitStrip) {
    /* A marker is a few pixels wide: a tap anywhere on the strip goes to the nearest one. */
    hitStrip.addEventListener("click", function (event) {
      if (!hits.length || !durationMs) { return; }
      var box = hitStrip.ownerSVGElement.getBoundingClientRect();
      var seconds = (event.clientX - box.left) / box.width * durationMs / 1000;
      var best = 0;
      hits.forEach(function (hit, i) { if (Math.abs(hit.start - seconds) < Math.abs(hits[best].start - seconds)) { best = i; } });
      activate(best, false).then(function () { if (hits[best] && hits[best].li) { goToCue(hits[best].li, false); } });
    });
  }

  /* -- keyboard shortcuts ------------------------------------------------------------------------ */

  document.addEventListener("keydown", function (event) {
    if (!player || event.ctrlKey || event.metaKey || event.altKey) { return; }
    var target = event.target;
    if (target.closest("input, textarea, select, button, [contenteditable], audio, video, iframe, summary")) { return; }
    var t = player.currentTime();
    switch (event.key) {
      case "k": case "K": case " ":
        event.preventDefault();
        if (player.paused()) { player.play(); announce(portalT("Lecture à {time}", { time: clock(t) })); } else { player.pause(); announce(portalT("Pause à {time}", { time: clock(t) })); }
        break;
      case "j": case "J":
        event.preventDefault(); seek(t - 5, false); announce(portalT("Recul de 5 secondes : {time}", { time: clock(Math.max(0, t - 5)) }));
        break;
      case "l": case "L":
        event.preventDefault(); seek(t + 5, false); announce(portalT("Avance de 5 secondes : {time}", { time: clock(t + 5) }));
        break;
      case "n": case "N": case "p": case "P": {
        if (!cues.length) { return; }
        event.preventDefault();
        var forward = event.key === "n" || event.key === "N";
        var lineKey = function () {
          var now = player.currentTime(), here = indexAt(now);
          if (forward && here === cues.length - 1 && partNumber < partCount) {
            return loadPart(partNumber + 1).then(function (ok) { if (ok) { say(0); } });
          }
          if (!forward && here <= 0 && !(here === 0 && now - starts[0] > 1.5) && partNumber > 1) {
            return loadPart(partNumber - 1).then(function (ok) { if (ok) { say(cues.length - 1); } });
          }
          say(forward ? Math.min(cues.length - 1, here + 1) : Math.max(0, here - (here >= 0 && now - starts[here] > 1.5 ? 0 : 1)));
        };
        var say = function (targetIndex) {
          seek(starts[targetIndex], false);
          var text = cues[targetIndex].querySelector(".cue-text");
          var said = { time: clock(starts[targetIndex]), text: text ? text.textContent.slice(0, 80) : "" };
          announce(forward ? portalT("Réplique suivante, {time} : {text}", said) : portalT("Réplique précédente, {time} : {text}", said));
        };
        if (!inThisPart(t)) { loadPart(partAt(t)).then(function (ok) { if (ok) { lineKey(); } }); } else { lineKey(); }
        break;
      }
      case "c": case "C": {
        event.preventDefault();
        var line = target.closest ? target.closest(".cue") : null;  // on a line: that line's link
        var at = line ? cueStart(line) : Math.floor(t);
        copy(momentUrl(at), clock(at));
        break;
      }
      default:
    }
  });

  /* -- chapters (timeline and outline) and other links to moments of this page ----------------------- */

  document.querySelectorAll(".timeline a.chapter, .chapters a.ts, .webinar-resources a.ts").forEach(function (link) {
    link.addEventListener("click", function (event) {
      if (!player || event.ctrlKey || event.metaKey || event.shiftKey) { return; }
      var href = link.getAttribute("href") || (link.href && link.href.baseVal) || link.getAttribute("xlink:href");
      var seconds = parseTime(new URL(href, window.location.href).searchParams.get("t"));
      if (seconds === null) { return; }
      event.preventDefault();
      seek(seconds, !player.paused());
      setFollow(true);
      rememberMoment(seconds);
      announce(portalT("Chapitre à {time}", { time: clock(seconds) }));
    });
  });

  /* -- the pinned player's height, for the panel below it on a phone ----------------------------------- */

  if (stage && window.ResizeObserver) {
    new window.ResizeObserver(function () { page.style.setProperty("--stage-h", stage.offsetHeight + "px"); }).observe(stage);
  }

  /* -- wiring the player ------------------------------------------------------------------------ */

  var playerWaiters = [];

  function attach(p) {
    player = p;
    playerWaiters.forEach(function (fn) { fn(p); });
    // Without JavaScript the browser stops at the #t=start,end fragment's end; here the script does, and
    // only when playback crosses it, so that a person can leave the extract and listen on.
    var src = p.element ? p.element.getAttribute("src") : null;
    if (src && /#t=[^,]+,/.test(src)) { p.element.setAttribute("src", src.replace(/(#t=[^,]+),.*$/, "$1")); }
    var pending = null;
    var hash = /^#t=(.+)$/.exec(window.location.hash);
    if (hash) {
      var fromHash = parseTime(decodeURIComponent(hash[1]));
      if (fromHash !== null) { pending = fromHash; }
    }
    p.ready.then(function () {
      if (pending !== null) { seek(pending, false); }
      else if (startMs && Math.abs(p.currentTime() - startMs / 1000) > 0.5) { p.seek(startMs / 1000); }
      if (listenButton) { listenButton.hidden = false; }
      if (resumeButton) { resumeButton.hidden = follow; }
      updateListen();
      page.setAttribute("data-player-ready", "true");
    });
    var last = null;
    p.onTime(function (t) {
      showTime(t);
      // The extract ends when playback crosses its end from inside it (not after a jump elsewhere).
      var crossed = segmentEnd !== null && last !== null && last >= segmentStart - 0.5 && last < segmentEnd - 0.05 && t >= segmentEnd - 0.05 && t - last < 1.5;
      if (crossed && !p.paused()) {
        p.pause();
        announce(portalT("Fin de l'extrait à {time}", { time: clock(segmentEnd) }));
      }
      last = t;
    });
    p.onState(function (state) {
      page.setAttribute("data-state", state);
      if (state === "playing" && atSegmentEnd(p.currentTime())) { p.seek(segmentStart); }
      updateListen();
    });
    var bar = document.querySelector(".segbar");
    if (bar && segmentEnd !== null) { window.PortalPlayers.segmentBar(bar, p, { start: segmentStart, end: segmentEnd }); }
  }

  api.pick = null;
  api.player = function () { return player; };
  api.whenPlayer = function (fn) { if (player) { fn(player); } else { playerWaiters.push(fn); } };
  api.seek = seek;
  api.setSegment = function (start, end) { segmentStart = start; segmentEnd = end; };
  api.clock = clock;
  api.preciseClock = preciseClock;
  api.parseTime = parseTime;
  api.secondsParam = secondsParam;
  api.copy = copy;
  api.announce = announce;
  api.focusLines = function () { if (rovingLink) { rovingLink.focus({ preventScroll: true }); placeInPanel(rovingLink.closest(".cue"), 0.3); } };
  api.watchPath = watchPath;
  window.PortalWatch = api;

  var attachAt = document.querySelector("[data-current-time]");
  var attachBox = attachAt ? attachAt.closest("details") : null;
  if (attachBox) {
    attachBox.addEventListener("toggle", function () { if (attachBox.open && player) { attachAt.value = clock(player.currentTime()); } });
  }

  // Landing on a moment: its line in view inside the panel (the window stays where it is).
  var marked = transcript ? transcript.querySelector(".cue.current") : null;
  if (marked) {
    current = cues.indexOf(marked);
    setRoving(marked);
    placeInPanel(marked, 0.15);
  } else if (hitIndex >= 0) {
    setFollow(false, false);
    placeInPanel(hits[hitIndex].li, 0.15);
  }
  if (located || marked) { showChapter(marked ? Math.max(startMs / 1000, cueStart(marked)) : startMs / 1000); }
  if (area) {
    window.PortalPlayers.create(area, startMs / 1000).then(attach, function () { /* no player: links still work */ });
  }
})();
