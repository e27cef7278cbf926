/* The watch page: the transcript follows the media, every cue seeks, keyboard shortcuts,
 * a filter that steps through a word's occurrences, links to moments copied in one action.
 * Without JavaScript every cue is still a ?t= link and the media starts with a #t= fragment.
 */
(function () {
  "use strict";
  var page = document.querySelector(".watch");
  if (!page || !window.PortalPlayers) { return; }

  var slug = page.getAttribute("data-slug");
  var startMs = parseInt(page.getAttribute("data-start-ms") || "0", 10);
  var segmentEnd = page.hasAttribute("data-end-ms") ? parseInt(page.getAttribute("data-end-ms"), 10) / 1000 : null;
  var durationMs = parseInt(page.getAttribute("data-duration-ms") || "0", 10);
  var segmentStart = startMs / 1000;
  var area = page.querySelector(".player-area");
  var transcript = document.getElementById("transcript");
  var cues = transcript ? Array.prototype.slice.call(transcript.querySelectorAll(".cue")) : [];
  var starts = cues.map(function (li) { return parseInt(li.getAttribute("data-start-ms"), 10) / 1000; });
  var announcer = document.getElementById("announcer");
  var followButton = document.getElementById("follow");
  var player = null;
  var current = -1;
  var follow = true;
  var autoScrolling = false;

  document.documentElement.classList.add("js");

  function announce(message) {
    if (!announcer) { return; }
    announcer.textContent = "";
    window.setTimeout(function () { announcer.textContent = message; }, 30);
  }

  function clock(seconds) {
    var total = Math.max(0, Math.floor(seconds));
    var h = Math.floor(total / 3600), m = Math.floor((total % 3600) / 60), s = total % 60;
    var mm = h ? String(m).padStart(2, "0") : String(m);
    return (h ? h + ":" : "") + mm + ":" + String(s).padStart(2, "0");
  }

  function secondsParam(seconds) {
    var ms = Math.round(seconds * 1000);
    return ms % 1000 === 0 ? String(ms / 1000) : (ms / 1000).toFixed(3).replace(/0+$/, "").replace(/\.$/, "");
  }

  function momentUrl(seconds) {
    return window.location.origin + "/webinars/" + encodeURIComponent(slug) + "?t=" + secondsParam(seconds);
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

  function indexAt(seconds) {
    var lo = 0, hi = starts.length - 1, found = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (starts[mid] <= seconds + 0.05) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    return found;
  }

  function scrollToCue(li) {
    autoScrolling = true;
    li.scrollIntoView({ block: "center", behavior: "auto" });
    window.setTimeout(function () { autoScrolling = false; }, 100);
  }

  function mark(index, scroll) {
    if (index === current) { return; }
    if (current >= 0 && cues[current]) { cues[current].classList.remove("current"); cues[current].removeAttribute("aria-current"); }
    current = index;
    if (index < 0) { return; }
    var li = cues[index];
    li.classList.add("current");
    li.setAttribute("aria-current", "true");
    if (scroll && follow) { scrollToCue(li); }
  }

  function setFollow(on) {
    follow = on;
    if (followButton) {
      followButton.setAttribute("aria-pressed", on ? "true" : "false");
      followButton.textContent = on ? "Suivi de la lecture : activé" : "Reprendre le suivi de la lecture";
    }
    if (on && current >= 0) { scrollToCue(cues[current]); }
  }

  function seek(seconds, play) {
    if (!player) { return; }
    if (durationMs) { seconds = Math.min(seconds, durationMs / 1000); }
    player.seek(Math.max(0, seconds));
    mark(indexAt(seconds), true);
    if (play) { player.play(); }
  }

  /* -- copying links ---------------------------------------------------------------------- */

  function copy(text, what) {
    function done() { announce("Lien copié : " + what); }
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
  copyCue.textContent = "Copier le lien";
  function offerCopy(li) {
    if (!li || copyCue.parentNode === li) { return; }
    var seconds = parseInt(li.getAttribute("data-start-ms"), 10) / 1000;
    copyCue.setAttribute("aria-label", "Copier le lien vers " + clock(seconds));
    copyCue.setAttribute("data-seconds", String(seconds));
    li.appendChild(copyCue);
  }
  copyCue.addEventListener("click", function (event) {
    event.preventDefault();
    var seconds = parseFloat(copyCue.getAttribute("data-seconds"));
    copy(momentUrl(seconds), clock(seconds));
  });

  var copyNow = document.getElementById("copy-now");
  if (copyNow) {
    copyNow.addEventListener("click", function () {
      var t = player ? player.currentTime() : startMs / 1000;
      copy(momentUrl(Math.floor(t)), clock(t));
    });
  }

  /* -- transcript ---------------------------------------------------------------------------- */

  if (transcript) {
    transcript.addEventListener("click", function (event) {
      var link = event.target.closest("a.ts");
      if (!link || !player || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) { return; }
      event.preventDefault();
      var li = link.closest(".cue");
      if (api.pick) { var pick = api.pick; api.pick = null; pick(li); return; }
      var seconds = parseInt(li.getAttribute("data-start-ms"), 10) / 1000;
      seek(seconds, true);
      window.history.replaceState(null, "", "?t=" + secondsParam(seconds));
    });
    transcript.addEventListener("focusin", function (event) { offerCopy(event.target.closest(".cue")); });
    transcript.addEventListener("mouseover", function (event) { offerCopy(event.target.closest(".cue")); });
  }

  ["wheel", "touchmove"].forEach(function (name) {
    window.addEventListener(name, function () { if (follow && player && !player.paused()) { setFollow(false); } }, { passive: true });
  });
  window.addEventListener("scroll", function () {
    if (!autoScrolling && follow && player && !player.paused() && document.activeElement === document.body) { setFollow(false); }
  }, { passive: true });
  if (followButton) { followButton.addEventListener("click", function () { setFollow(!follow); }); }

  /* -- filter: highlight a word and step through it -------------------------------------------- */

  var filter = document.getElementById("transcript-filter");
  var filterCount = document.getElementById("filter-count");
  var hits = [], hitIndex = -1;

  function fold(text) { return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase(); }

  function clearMarks() {
    transcript.querySelectorAll("mark.filter-hit").forEach(function (m) { m.replaceWith(document.createTextNode(m.textContent)); });
    transcript.querySelectorAll(".cue-text").forEach(function (span) { span.normalize(); });
    hits = [];
    hitIndex = -1;
  }

  function applyFilter() {
    clearMarks();
    var needle = fold(filter.value.trim());
    if (needle.length < 2) { filterCount.textContent = ""; return; }
    transcript.querySelectorAll(".cue-text").forEach(function (span) {
      var text = span.textContent, folded = fold(text), from = 0, pos, parts = [];
      // Folding keeps one character per character for Latin text, so offsets map back.
      if (folded.length !== text.length) { folded = text.toLowerCase(); }
      while ((pos = folded.indexOf(needle, from)) !== -1) { parts.push([pos, pos + needle.length]); from = pos + needle.length; }
      if (!parts.length) { return; }
      span.textContent = "";
      var cursor = 0;
      parts.forEach(function (range) {
        span.appendChild(document.createTextNode(text.slice(cursor, range[0])));
        var mark = document.createElement("mark");
        mark.className = "filter-hit";
        mark.textContent = text.slice(range[0], range[1]);
        span.appendChild(mark);
        hits.push(mark);
        cursor = range[1];
      });
      span.appendChild(document.createTextNode(text.slice(cursor)));
    });
    filterCount.textContent = hits.length ? hits.length + " occurrence" + (hits.length > 1 ? "s" : "") : "aucune occurrence";
  }

  function step(delta) {
    if (!hits.length) { return; }
    if (hitIndex >= 0) { hits[hitIndex].classList.remove("active"); }
    hitIndex = (hitIndex + delta + hits.length) % hits.length;
    var mark = hits[hitIndex];
    mark.classList.add("active");
    setFollow(false);
    autoScrolling = true;
    mark.scrollIntoView({ block: "center" });
    window.setTimeout(function () { autoScrolling = false; }, 100);
    var li = mark.closest(".cue");
    filterCount.textContent = (hitIndex + 1) + " sur " + hits.length;
    announce("Occurrence " + (hitIndex + 1) + " sur " + hits.length + ", à " + clock(parseInt(li.getAttribute("data-start-ms"), 10) / 1000));
  }

  if (filter && transcript) {
    document.getElementById("transcript-tools").hidden = false;
    var timer = null;
    filter.addEventListener("input", function () { window.clearTimeout(timer); timer = window.setTimeout(applyFilter, 150); });
    filter.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); window.clearTimeout(timer); if (!hits.length) { applyFilter(); } step(event.shiftKey ? -1 : 1); }
    });
    document.getElementById("filter-next").addEventListener("click", function () { if (!hits.length) { applyFilter(); } step(1); });
    document.getElementById("filter-prev").addEventListener("click", function () { if (!hits.length) { applyFilter(); } step(-1); });
  }

  /* -- keyboard shortcuts ---------------------------------------------------------------------- */

  document.addEventListener("keydown", function (event) {
    if (!player || event.ctrlKey || event.metaKey || event.altKey) { return; }
    var target = event.target;
    if (target.closest("input, textarea, select, button, [contenteditable], audio, video, iframe")) { return; }
    var t = player.currentTime();
    switch (event.key) {
      case "k": case "K": case " ":
        event.preventDefault();
        if (player.paused()) { player.play(); announce("Lecture à " + clock(t)); } else { player.pause(); announce("Pause à " + clock(t)); }
        break;
      case "j": case "J":
        event.preventDefault(); seek(t - 5, false); announce("Recul de 5 secondes : " + clock(Math.max(0, t - 5)));
        break;
      case "l": case "L":
        event.preventDefault(); seek(t + 5, false); announce("Avance de 5 secondes : " + clock(t + 5));
        break;
      case "n": case "N": case "p": case "P": {
        event.preventDefault();
        var here = indexAt(t);
        var target_index = (event.key === "n" || event.key === "N") ? Math.min(cues.length - 1, here + 1) : Math.max(0, here - (t - starts[here] > 1.5 ? 0 : 1));
        if (target_index < 0) { return; }
        seek(starts[target_index], false);
        var speaker = cues[target_index].querySelector(".cue-text");
        announce((event.key.toLowerCase() === "n" ? "Réplique suivante, " : "Réplique précédente, ") + clock(starts[target_index]) + " : " + (speaker ? speaker.textContent.slice(0, 80) : ""));
        break;
      }
      case "c": case "C":
        event.preventDefault(); copy(momentUrl(Math.floor(t)), clock(t));
        break;
      default:
    }
  });

  /* -- timeline and chapters -------------------------------------------------------------------- */

  var progress = document.querySelector(".timeline .progress");
  document.querySelectorAll(".chapters a.ts, .timeline a").forEach(function (link) {
    link.addEventListener("click", function (event) {
      if (!player || event.ctrlKey || event.metaKey || event.shiftKey) { return; }
      event.preventDefault();
      var seconds = parseTime(new URL(link.href).searchParams.get("t"));
      if (seconds !== null) { seek(seconds, true); window.history.replaceState(null, "", "?t=" + secondsParam(seconds)); }
    });
  });

  /* -- wiring the player ------------------------------------------------------------------------ */

  function attach(p) {
    player = p;
    page.classList.add("player-ready");
    var pending = null;
    var hash = /^#t=(.+)$/.exec(window.location.hash);
    if (hash) {
      var fromHash = parseTime(decodeURIComponent(hash[1]));
      if (fromHash !== null) { pending = fromHash; }
    }
    p.ready.then(function () {
      if (pending !== null) { seek(pending, false); }
      else if (startMs && Math.abs(p.currentTime() - startMs / 1000) > 0.5) { p.seek(startMs / 1000); }
      page.setAttribute("data-player-ready", "true");
    });
    p.onTime(function (t) {
      mark(indexAt(t), !p.paused());
      if (progress && durationMs) { progress.setAttribute("width", String(Math.min(1000, (t * 1000 / durationMs) * 1000))); }
      if (segmentEnd !== null && t >= segmentEnd - 0.05 && !p.paused()) {
        p.pause();
        announce("Fin de l'extrait à " + clock(segmentEnd));
      }
    });
    p.onState(function (state) {
      page.setAttribute("data-state", state);
      if (state === "playing" && segmentEnd !== null && p.currentTime() >= segmentEnd - 0.05) { p.seek(segmentStart); }
    });
  }

  var api = {
    pick: null,
    player: function () { return player; },
    seek: seek,
    setSegment: function (start, end) { segmentStart = start; segmentEnd = end; },
    clock: clock,
    parseTime: parseTime,
    secondsParam: secondsParam,
    copy: copy,
    announce: announce,
    slug: slug
  };
  window.PortalWatch = api;

  var attachAt = document.querySelector("[data-current-time]");
  var attachBox = attachAt ? attachAt.closest("details") : null;
  if (attachBox) {
    attachBox.addEventListener("toggle", function () { if (attachBox.open && player) { attachAt.value = clock(player.currentTime()); } });
  }

  if (current < 0) {
    var marked = transcript ? transcript.querySelector(".cue.current") : null;
    if (marked) { current = cues.indexOf(marked); scrollToCue(marked); }
  }
  if (area) {
    window.PortalPlayers.create(area, startMs / 1000).then(attach, function () { /* no player: links still work */ });
  }
})();
