/* A collection plays its clips one after another in one player, each from its start to its end.
 * Its own controls (play/pause, previous/next clip, a progress bar of the clip being played) drive it;
 * without JavaScript each clip has its own page and "l'écouter seul" link.
 */
(function () {
  "use strict";
  var audio = document.getElementById("collection-player");
  var button = document.getElementById("collection-play");
  var status = document.getElementById("collection-status");
  var root = document.getElementById("collection");
  if (!audio || !button || !window.PortalPlayers) { return; }
  document.documentElement.classList.add("js");
  var items = Array.prototype.slice.call(document.querySelectorAll(".collection-item[data-src]"));
  var barElement = document.querySelector(".collection-stage .segbar");
  var prev = barElement ? barElement.querySelector(".seg-prev") : null;
  var next = barElement ? barElement.querySelector(".seg-next") : null;
  var player = window.PortalPlayers.mediaElementPlayer(audio);
  var bar = null;
  var index = -1, end = null;

  function say(text) { status.textContent = text; }
  function number(n) { return Number(n).toLocaleString(document.documentElement.lang || "fr"); }
  function bounds(item) {
    return { start: parseInt(item.getAttribute("data-start-ms"), 10) / 1000, end: parseInt(item.getAttribute("data-end-ms"), 10) / 1000 };
  }

  function play(i) {
    if (i >= items.length) {
      audio.pause();
      items.forEach(function (el) { el.classList.remove("playing"); });
      say(portalT("Fin du parcours."));
      root.setAttribute("data-finished", "true");
      end = bounds(items[index]).end;  // the bar can replay the last clip; it stops at its end again
      return;
    }
    index = Math.max(0, i);
    var item = items[index];
    var segment = bounds(item);
    end = segment.end;
    items.forEach(function (el) { el.classList.toggle("playing", el === item); });
    root.setAttribute("data-current", String(index));
    root.removeAttribute("data-finished");
    if (bar) { bar.set(segment); } else { bar = window.PortalPlayers.segmentBar(barElement, player, segment); }
    button.hidden = true;
    if (prev) { prev.disabled = index === 0; }
    if (next) { next.disabled = index === items.length - 1; }
    say(portalT("Extrait {number} sur {count} : {title}", { number: number(index + 1), count: number(items.length), title: item.querySelector("h2").textContent }));
    var src = new URL(item.getAttribute("data-src"), window.location.href).toString();
    function go() { audio.currentTime = segment.start; var r = audio.play(); if (r && r.catch) { r.catch(function () {}); } }
    if (audio.src !== src) {
      audio.src = src;
      audio.addEventListener("loadedmetadata", go, { once: true });
      audio.load();
    } else {
      go();
    }
  }

  player.onTime(function (t) {
    if (index >= 0 && end !== null && !audio.paused && t >= end - 0.05) {
      end = null;
      play(index + 1);
    }
  });
  button.addEventListener("click", function () { play(0); });
  if (prev) { prev.addEventListener("click", function () { if (index > 0) { play(index - 1); } }); }
  if (next) { next.addEventListener("click", function () { if (index < items.length - 1) { play(index + 1); } }); }
})();
