"""Local stand-ins for the YouTube, Vimeo and PeerTube embeds: the same postMessage contracts, a fake clock.

The real hosts cannot be reached here; these pages answer the adapter's messages the way the
hosts' player APIs do, so the adapters' behaviour (load on request, seek, play, pause, time
updates) is exercised for real in the browser.
"""

from __future__ import annotations

from flask import Blueprint, Response

bp = Blueprint("fakes", __name__, url_prefix="/fake")

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>fake {kind}</title></head>
<body><p id="state">fake {kind} player</p><script src="/fake/player.js?kind={kind}"></script></body></html>"""

PLAYER_JS = r"""
(function () {
  var kind = new URLSearchParams(document.currentScript.src.split("?")[1]).get("kind");
  var params = new URLSearchParams(location.search);
  var time = 0, playing = false, last = Date.now(), listeners = {};
  var start = params.get("start");
  if (kind === "vimeo" && location.hash.indexOf("#t=") === 0) { start = location.hash.slice(3); }
  if (start) { time = parseFloat(start); }
  window.fakeLog = [];
  function send(obj) { parent.postMessage(kind === "youtube" || kind === "vimeo" ? JSON.stringify(obj) : obj, "*"); }
  function now() { if (playing) { time += (Date.now() - last) / 1000; } last = Date.now(); return time; }
  function status() {
    var t = now();
    if (kind === "youtube") { send({ event: "infoDelivery", info: { currentTime: t, playerState: playing ? 1 : 2 } }); }
    if (kind === "vimeo" && listeners.timeupdate) { send({ event: "timeupdate", data: { seconds: t, duration: 3600 } }); }
    if (kind === "peertube") { send({ method: "peertube::playbackStatusUpdate", params: { position: t, duration: 3600, playbackState: playing ? "playing" : "paused" } }); }
  }
  window.addEventListener("message", function (event) {
    var data = event.data;
    if (typeof data === "string") { data = JSON.parse(data); }
    window.fakeLog.push(data);
    now();
    if (kind === "youtube") {
      if (data.event === "listening") { send({ event: "onReady", info: null }); }
      if (data.event === "command") {
        if (data.func === "playVideo") { playing = true; }
        if (data.func === "pauseVideo") { playing = false; }
        if (data.func === "seekTo") { time = data.args[0]; }
      }
    }
    if (kind === "vimeo") {
      if (data.method === "addEventListener") { listeners[data.value] = true; }
      if (data.method === "play") { playing = true; if (listeners.play) { send({ event: "play" }); } }
      if (data.method === "pause") { playing = false; if (listeners.pause) { send({ event: "pause" }); } }
      if (data.method === "setCurrentTime") { time = data.value; }
    }
    if (kind === "peertube") {
      if (data.method === "peertube::play") { playing = true; }
      if (data.method === "peertube::pause") { playing = false; }
      if (data.method === "peertube::seek") { time = data.params; }
    }
    status();
  });
  if (kind === "vimeo") { send({ event: "ready" }); }
  if (kind === "peertube") { send({ method: "peertube::ready" }); }
  setInterval(status, 200);
})();
"""


@bp.get("/youtube/embed/<video_id>")
def youtube(video_id: str):
    return PAGE.format(kind="youtube")


@bp.get("/vimeo/video/<video_id>")
def vimeo(video_id: str):
    return PAGE.format(kind="vimeo")


@bp.get("/peertube/videos/embed/<video_id>")
def peertube(video_id: str):
    return PAGE.format(kind="peertube")


@bp.get("/player.js")
def player_js():
    return Response(PLAYER_JS, mimetype="text/javascript")


@bp.after_request
def frameable(response):
    # The fake players are framed by the portal's own pages.
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    response.headers["Content-Security-Policy"] = "default-src 'self'; frame-ancestors 'self'"
    return response


