/* Content notes: when playback reaches a passage an admin warned of, say what it holds and offer to
   skip it; "Passer ce passage" in the transcript skips without reloading the page. Without this
   script, the transcript's notes and the banner shown on landing inside a passage are plain links. */
(function () {
  "use strict";
  var box = document.getElementById("content-note-live");
  var watch = window.PortalWatch;
  if (!box || !watch) { return; }
  var notes = JSON.parse(box.getAttribute("data-notes") || "[]");
  var text = box.querySelector(".content-note-text");
  var skip = box.querySelector(".skip-note");
  var hide = box.querySelector(".hide-note");
  var shown = null;
  var dismissed = {};

  function show(note) {
    shown = note;
    if (!note) { box.hidden = true; return; }
    text.textContent = portalT("Ce passage contient : {label} ({start}–{end}).", { label: note.label, start: watch.clock(note.start / 1000), end: watch.clock(note.end / 1000) });
    skip.textContent = portalT("Passer à {time}", { time: watch.clock(note.end / 1000) });
    skip.setAttribute("href", box.getAttribute("data-watch-base") + "?t=" + watch.secondsParam(note.end / 1000));
    skip.setAttribute("data-skip-to", String(note.end));
    box.hidden = false;
  }

  function noteAt(seconds) {
    var ms = seconds * 1000;
    for (var i = 0; i < notes.length; i++) {
      if (notes[i].start <= ms && ms < notes[i].end && !dismissed[i]) { return notes[i]; }
    }
    return null;
  }

  function skipTo(ms) {
    var player = watch.player();
    if (!player) { return false; }
    notes.forEach(function (note, i) { if (note.start < ms && ms <= note.end) { dismissed[i] = true; } });
    watch.seek(ms / 1000, !player.paused());
    show(null);
    watch.announce(portalT("Passage passé : reprise à {time}", { time: watch.clock(ms / 1000) }));
    return true;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-skip-to]") : null;
    if (link && skipTo(parseInt(link.getAttribute("data-skip-to"), 10))) { event.preventDefault(); }
  });
  if (hide) {
    hide.addEventListener("click", function () {
      var index = notes.indexOf(shown);
      if (index >= 0) { dismissed[index] = true; }
      show(null);
    });
  }
  watch.whenPlayer(function (player) {
    player.onTime(function (t) { var note = noteAt(t); if (note !== shown) { show(note); } });
    player.ready.then(function () { show(noteAt(player.currentTime())); });
  });
})();
