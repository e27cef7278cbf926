/* Player adapters: one small object per media source, all with the same interface.
 *
 *   play(), pause(), seek(seconds), currentTime() -> seconds, paused() -> bool,
 *   onTime(callback(seconds)), onState(callback("playing"|"paused"|"ended")), ready -> Promise
 *
 * file/url use the page's <audio>/<video>; youtube, peertube and vimeo drive the host's iframe
 * through its postMessage API. No external script is loaded, and no request leaves the portal's
 * origin until the person asks for the external player.
 */
(function () {
  "use strict";

  function base() {
    var timeCbs = [], stateCbs = [];
    return {
      timeCbs: timeCbs, stateCbs: stateCbs, time: 0, isPaused: true,
      onTime: function (cb) { timeCbs.push(cb); },
      onState: function (cb) { stateCbs.push(cb); },
      emitTime: function (t) { this.time = t; timeCbs.forEach(function (cb) { cb(t); }); },
      emitState: function (s) { this.isPaused = s !== "playing"; stateCbs.forEach(function (cb) { cb(s); }); },
      currentTime: function () { return this.time; },
      paused: function () { return this.isPaused; }
    };
  }

  /* HTML5 <audio>/<video>: the file and url kinds. */
  function mediaElementPlayer(el) {
    var p = base();
    p.element = el;
    p.ready = new Promise(function (resolve) {
      if (el.readyState >= 1) { resolve(); } else { el.addEventListener("loadedmetadata", function () { resolve(); }, { once: true }); }
    });
    p.play = function () { var r = el.play(); if (r && r.catch) { r.catch(function () {}); } };
    p.pause = function () { el.pause(); };
    p.seek = function (s) { el.currentTime = Math.max(0, s); p.emitTime(el.currentTime); };
    p.currentTime = function () { return el.currentTime; };
    p.paused = function () { return el.paused; };
    p.duration = function () { return el.duration; };
    el.addEventListener("timeupdate", function () { p.emitTime(el.currentTime); });
    el.addEventListener("seeked", function () { p.emitTime(el.currentTime); });
    el.addEventListener("play", function () { p.emitState("playing"); });
    el.addEventListener("pause", function () { p.emitState("paused"); });
    el.addEventListener("ended", function () { p.emitState("ended"); });
    // Smooth updates between timeupdate events, so a segment end is honoured within a frame.
    (function tick() {
      if (!el.paused) { p.emitTime(el.currentTime); }
      window.requestAnimationFrame(tick);
    })();
    return p;
  }

  function iframePlayer(iframe, origin) {
    var p = base(), queue = [], isReady = false;
    p.iframe = iframe;
    p.send = function (message) {
      if (iframe.contentWindow) { iframe.contentWindow.postMessage(typeof message === "string" ? message : JSON.stringify(message), origin); }
    };
    /* Commands wait until the host says its player is ready: earlier ones would be lost. */
    p.post = function (message) { if (isReady) { p.send(message); } else { queue.push(message); } };
    p.markReady = function () {
      if (isReady) { return; }
      isReady = true;
      queue.splice(0).forEach(p.send);
    };
    p.listen = function (handler) {
      window.addEventListener("message", function (event) {
        if (event.source !== iframe.contentWindow) { return; }
        var data = event.data;
        if (typeof data === "string") { try { data = JSON.parse(data); } catch (e) { return; } }
        if (data && typeof data === "object") { handler(data); }
      });
    };
    return p;
  }

  /* YouTube IFrame API, spoken directly over postMessage (the protocol of its widget API). */
  function youtubePlayer(iframe, origin) {
    var p = iframePlayer(iframe, origin), resolveReady;
    p.ready = new Promise(function (resolve) { resolveReady = resolve; });
    function command(func, args) { p.post({ event: "command", func: func, args: args || [], id: 1, channel: "widget" }); }
    p.play = function () { command("playVideo"); };
    p.pause = function () { command("pauseVideo"); };
    p.seek = function (s) { command("seekTo", [Math.max(0, s), true]); p.emitTime(s); };
    p.listen(function (data) {
      if (data.event === "onReady") { p.markReady(); resolveReady(); }
      if (data.event === "infoDelivery" && data.info) {
        if (typeof data.info.currentTime === "number") { p.emitTime(data.info.currentTime); }
        if (data.info.playerState === 1) { p.emitState("playing"); }
        else if (data.info.playerState === 2) { p.emitState("paused"); }
        else if (data.info.playerState === 0) { p.emitState("ended"); }
      }
    });
    iframe.addEventListener("load", function () { p.send({ event: "listening", id: 1, channel: "widget" }); });
    return p;
  }

  /* Vimeo player.js postMessage protocol. */
  function vimeoPlayer(iframe, origin) {
    var p = iframePlayer(iframe, origin), resolveReady;
    p.ready = new Promise(function (resolve) { resolveReady = resolve; });
    function method(name, value) { p.post(value === undefined ? { method: name } : { method: name, value: value }); }
    p.play = function () { method("play"); };
    p.pause = function () { method("pause"); };
    p.seek = function (s) { method("setCurrentTime", Math.max(0, s)); p.emitTime(s); };
    p.listen(function (data) {
      if (data.event === "ready") {
        p.markReady();
        ["timeupdate", "play", "pause", "ended"].forEach(function (name) { method("addEventListener", name); });
        resolveReady();
      }
      if (data.event === "timeupdate" && data.data) { p.emitTime(data.data.seconds); }
      if (data.event === "play") { p.emitState("playing"); }
      if (data.event === "pause") { p.emitState("paused"); }
      if (data.event === "ended") { p.emitState("ended"); }
    });
    return p;
  }

  /* PeerTube embed API (JSChannel messages in the "peertube" scope). */
  function peertubePlayer(iframe, origin) {
    var p = iframePlayer(iframe, origin), resolveReady, id = 0;
    p.ready = new Promise(function (resolve) { resolveReady = resolve; });
    function call(name, params) { id += 1; p.post({ id: id, method: "peertube::" + name, params: params }); }
    p.play = function () { call("play"); };
    p.pause = function () { call("pause"); };
    p.seek = function (s) { call("seek", Math.max(0, s)); p.emitTime(s); };
    p.listen(function (data) {
      if (data.method === "peertube::ready") { p.markReady(); resolveReady(); }
      if (data.method === "peertube::playbackStatusUpdate" && data.params) {
        p.emitTime(data.params.position);
        var state = data.params.playbackState;
        if (state === "playing" || state === "paused" || state === "ended") { p.emitState(state); }
      }
    });
    return p;
  }

  var IFRAME_PLAYERS = { youtube: youtubePlayer, vimeo: vimeoPlayer, peertube: peertubePlayer };

  /* Build the adapter for a player area; external players are created only when asked for. */
  function createPlayer(area, startSeconds) {
    var kind = area.getAttribute("data-kind");
    if (kind === "file" || kind === "url") {
      var el = area.querySelector("audio, video");
      return el ? Promise.resolve(mediaElementPlayer(el)) : Promise.reject(new Error("no media element"));
    }
    var factory = IFRAME_PLAYERS[kind];
    if (!factory) { return Promise.reject(new Error("unknown kind " + kind)); }
    return new Promise(function (resolve) {
      var button = area.querySelector("[data-load-player]");
      button.addEventListener("click", function () {
        var src = area.getAttribute("data-embed-src");
        var url = new URL(src, window.location.href);
        if (kind === "youtube") { url.searchParams.set("origin", window.location.origin); url.searchParams.set("autoplay", "1"); }
        if (kind === "peertube" || kind === "vimeo") { url.searchParams.set("autoplay", "1"); }
        if (startSeconds && kind === "youtube") { url.searchParams.set("start", String(Math.floor(startSeconds))); }
        var iframe = document.createElement("iframe");
        iframe.src = url.toString();
        iframe.title = area.getAttribute("data-title") || portalT("Lecteur vidéo");
        iframe.className = "player player-iframe";
        iframe.setAttribute("allow", "autoplay; fullscreen; picture-in-picture");
        iframe.setAttribute("allowfullscreen", "");
        iframe.setAttribute("referrerpolicy", "strict-origin");
        var consent = area.querySelector(".consent");
        consent.replaceWith(iframe);
        var player = factory(iframe, url.origin);
        player.ready.then(function () { if (startSeconds) { player.seek(startSeconds); } });
        resolve(player);
      }, { once: true });
    });
  }

  /* 754 -> "12:34", 3723 -> "1:02:03" (whole seconds), as the server's format_clock. */
  function clock(seconds) {
    var total = Math.max(0, Math.floor(seconds + 1e-6));
    var h = Math.floor(total / 3600), m = Math.floor((total % 3600) / 60), s = total % 60;
    return (h ? h + ":" + String(m).padStart(2, "0") : String(m)) + ":" + String(s).padStart(2, "0");
  }

  /* The controls of a clip: play/pause and a progress bar of the clip's own span (0:00 to its length),
   * not of the whole recording. `segment` is {start, end} in seconds and may be changed with set(). */
  function segmentBar(root, player, segment) {
    var button = root.querySelector(".seg-play");
    var range = root.querySelector(".seg-range");
    var time = root.querySelector(".seg-time");
    var element = player.element;
    if (element) { element.controls = false; }
    root.hidden = false;
    function length() { return Math.max(0, segment.end - segment.start); }
    function show(t) {
      var into = Math.min(length(), Math.max(0, t - segment.start));
      range.max = String(Math.round(length() * 10));
      range.value = String(Math.round(into * 10));
      var text = clock(into) + " / " + clock(length());
      time.textContent = text;
      range.setAttribute("aria-valuetext", portalT("{time} sur {length}", { time: clock(into), length: clock(length()) }));
    }
    function state() {
      var playing = !player.paused();
      button.classList.toggle("playing", playing);
      button.querySelector(".label").textContent = playing ? portalT("Pause") : portalT("Écouter");
    }
    button.addEventListener("click", function () {
      if (player.paused()) {
        var t = player.currentTime();
        if (t < segment.start - 0.25 || t >= segment.end - 0.05) { player.seek(segment.start); }
        player.play();
      } else {
        player.pause();
      }
    });
    range.addEventListener("input", function () { player.seek(segment.start + parseInt(range.value, 10) / 10); });
    player.onTime(show);
    player.onState(state);
    show(player.currentTime());
    state();
    return { set: function (next) { segment = next; show(player.currentTime()); } };
  }

  window.PortalPlayers = { create: createPlayer, mediaElementPlayer: mediaElementPlayer, segmentBar: segmentBar, clock: clock };
})();
