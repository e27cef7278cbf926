/* A collection plays its clips one after another in one player, each from its start to its end. */
(function () {
  "use strict";
  var audio = document.getElementById("collection-player");
  var button = document.getElementById("collection-play");
  var status = document.getElementById("collection-status");
  if (!audio || !button) { return; }
  var items = Array.prototype.slice.call(document.querySelectorAll(".collection-item[data-src]"));
  var index = -1, end = null;

  function say(text) { status.textContent = text; }

  function play(i) {
    if (i >= items.length) {
      audio.pause();
      items.forEach(function (el) { el.classList.remove("playing"); });
      say("Fin du parcours.");
      document.getElementById("collection").setAttribute("data-finished", "true");
      return;
    }
    index = i;
    var item = items[i];
    items.forEach(function (el) { el.classList.toggle("playing", el === item); });
    var start = parseInt(item.getAttribute("data-start-ms"), 10) / 1000;
    end = parseInt(item.getAttribute("data-end-ms"), 10) / 1000;
    var src = new URL(item.getAttribute("data-src"), window.location.href).toString();
    document.getElementById("collection").setAttribute("data-current", String(i));
    say("Extrait " + (i + 1) + " sur " + items.length + " : " + item.querySelector("h2").textContent);
    function go() { audio.currentTime = start; var r = audio.play(); if (r && r.catch) { r.catch(function () {}); } }
    if (audio.src !== src) {
      audio.src = src;
      audio.addEventListener("loadedmetadata", go, { once: true });
      audio.load();
    } else {
      go();
    }
  }

  function check() {
    if (index >= 0 && end !== null && !audio.paused && audio.currentTime >= end - 0.05) {
      var next = index + 1;
      end = null;
      play(next);
    }
  }
  audio.addEventListener("timeupdate", check);
  (function tick() { check(); window.requestAnimationFrame(tick); })();
  button.addEventListener("click", function () { play(0); });
})();
