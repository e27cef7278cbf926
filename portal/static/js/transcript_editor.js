// The transcript editor (templates/admin/editor.html): every line editable in place beside the player,
// times nudged by 0.1 s or set to the player's time, lines split, merged, inserted, deleted, words
// replaced everywhere; then the changes are shown (the server's diff) and saved as one new version.
// The lines live in `cues` (milliseconds); the page shows PAGE of them at a time.
(function () {
  "use strict";
  var root = document.getElementById("editor");
  if (!root) return;
  document.documentElement.classList.add("js");
  var data = JSON.parse(document.getElementById("editor-data").textContent);
  var cues = data.cues;
  var player = document.getElementById("editor-player");
  var list = document.getElementById("ed-cues");
  var statusLine = document.getElementById("ed-status");
  var errorBox = document.getElementById("ed-error");
  var preview = document.getElementById("ed-preview");
  var saveButton = root.querySelector("[data-act=save]");
  var undoButton = root.querySelector("[data-act=undo]");
  var PAGE = 200;
  var page = 0;
  var history = [];
  var dirty = false;
  var findFrom = { cue: 0, at: 0 };

  var lang = document.documentElement.lang || "fr";
  function number(n) { return Number(n).toLocaleString(lang); }
  var decimal = (0.5).toLocaleString(lang).replace(/\d/g, "") || ",";  // "," in French, "." in English
  var LABELS = {
    start: { label: portalT("Début"), minus: portalT("Début moins 0,1 s"), plus: portalT("Début plus 0,1 s"), now: portalT("Début au temps du lecteur") },
    end: { label: portalT("Fin"), minus: portalT("Fin moins 0,1 s"), plus: portalT("Fin plus 0,1 s"), now: portalT("Fin au temps du lecteur") }
  };

  // -- times ---------------------------------------------------------------------------------
  function fmt(ms) {
    var tenths = Math.round(ms / 100);
    var s = Math.floor(tenths / 10), t = tenths % 10;
    var h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60, sec = s % 60;
    var mm = h ? String(m).padStart(2, "0") : String(m);
    return (h ? h + ":" : "") + mm + ":" + String(sec).padStart(2, "0") + decimal + t;
  }
  function parse(text) {
    var value = text.trim().replace(",", ".");
    if (!/^(\d+:){0,2}\d+(\.\d+)?$/.test(value)) return null;
    var parts = value.split(":"), seconds = 0;
    for (var i = 0; i < parts.length; i++) seconds = seconds * 60 + parseFloat(parts[i]);
    return Math.round(seconds * 1000);
  }
  function now() { return player ? Math.round(player.currentTime * 1000) : null; }

  // -- changes -------------------------------------------------------------------------------
  function remember() {
    history.push(JSON.stringify(cues));
    if (history.length > 50) history.shift();
    undoButton.disabled = false;
  }
  function changed(message) {
    dirty = true;
    saveButton.disabled = true; // the changes are seen again before they are saved
    preview.textContent = "";
    if (message) say(message);
  }
  function say(message) { statusLine.textContent = message; }
  window.addEventListener("beforeunload", function (event) { if (dirty) { event.preventDefault(); event.returnValue = ""; } });

  // -- rendering -----------------------------------------------------------------------------
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function timeField(i, which) {
    var labels = LABELS[which];
    var box = el("span", { "class": "ed-time" });
    var id = "ed-" + which + "-" + i;
    box.appendChild(el("label", { "for": id }, labels.label));
    box.appendChild(el("input", { id: id, "class": "ed-" + which, type: "text", inputmode: "decimal", size: "8", value: fmt(cues[i][which + "_ms"]) }));
    box.appendChild(el("button", { type: "button", "class": "secondary", "data-act": which + "-minus", "aria-label": labels.minus }, "−" + (0.1).toLocaleString(lang)));
    box.appendChild(el("button", { type: "button", "class": "secondary", "data-act": which + "-plus", "aria-label": labels.plus }, "+" + (0.1).toLocaleString(lang)));
    var nowButton = el("button", { type: "button", "class": "secondary", "data-act": which + "-now", "aria-label": labels.now }, portalT("Maintenant"));
    if (!player) nowButton.disabled = true;
    box.appendChild(nowButton);
    return box;
  }
  function row(i) {
    var cue = cues[i], n = i + 1;
    var li = el("li", { "class": "ed-cue", "data-index": String(i), id: "ed-cue-" + i });
    var head = el("div", { "class": "ed-head" });
    head.appendChild(el("span", { "class": "ed-number" }, portalT("Réplique {number}", { number: number(n) })));
    head.appendChild(timeField(i, "start"));
    head.appendChild(timeField(i, "end"));
    li.appendChild(head);
    var speakerId = "ed-speaker-" + i, textId = "ed-text-" + i;
    var who = el("div", { "class": "field ed-who" });
    who.appendChild(el("label", { "for": speakerId }, portalT("Intervenant·e")));
    who.appendChild(el("input", { id: speakerId, "class": "ed-speaker", type: "text", maxlength: "200", value: cue.speaker || "" }));
    li.appendChild(who);
    var what = el("div", { "class": "field ed-what" });
    what.appendChild(el("label", { "for": textId }, portalT("Texte de la réplique {number}", { number: number(n) })));
    var area = el("textarea", { id: textId, "class": "ed-text", rows: "2" });
    area.value = cue.text;
    what.appendChild(area);
    li.appendChild(what);
    var actions = el("p", { "class": "player-tools ed-actions" });
    var shown = { number: number(n) };
    [
      ["play", portalT("Écouter"), portalT("Écouter (réplique {number})", shown)],
      ["split", portalT("Couper au curseur"), portalT("Couper au curseur (réplique {number})", shown)],
      ["merge", portalT("Fusionner avec la suivante"), portalT("Fusionner avec la suivante (réplique {number})", shown)],
      ["insert", portalT("Insérer une réplique après"), portalT("Insérer une réplique après (réplique {number})", shown)],
      ["delete", portalT("Supprimer"), portalT("Supprimer (réplique {number})", shown)]
    ].forEach(function (a) {
      var b = el("button", { type: "button", "class": "secondary", "data-act": a[0], "aria-label": a[2] }, a[1]);
      if ((a[0] === "play" && !player) || (a[0] === "merge" && i === cues.length - 1)) b.disabled = true;
      actions.appendChild(b);
    });
    li.appendChild(actions);
    return li;
  }
  function render(focusIndex, focusSelector) {
    var pages = Math.max(1, Math.ceil(cues.length / PAGE));
    page = Math.min(page, pages - 1);
    list.textContent = "";
    list.setAttribute("start", String(page * PAGE + 1));
    for (var i = page * PAGE; i < Math.min(cues.length, (page + 1) * PAGE); i++) list.appendChild(row(i));
    document.getElementById("ed-range").textContent = portalT("Répliques {first} à {last} sur {count}", { first: number(page * PAGE + 1), last: number(Math.min(cues.length, (page + 1) * PAGE)), count: number(cues.length) });
    root.querySelector("[data-act=page-prev]").disabled = page === 0;
    root.querySelector("[data-act=page-next]").disabled = page >= pages - 1;
    if (focusIndex !== undefined) {
      var target = document.getElementById("ed-cue-" + focusIndex);
      var field = target && target.querySelector(focusSelector || ".ed-text");
      if (field) field.focus();
    }
  }
  function show(index, selector) { page = Math.floor(index / PAGE); render(index, selector); }

  // -- editing -------------------------------------------------------------------------------
  function setTime(i, which, ms, input) {
    if (ms === null || ms < 0) { if (input) input.setAttribute("aria-invalid", "true"); say(portalT("Temps illisible : écrivez par exemple 1:02,5 ou 62,5.")); return; }
    cues[i][which + "_ms"] = ms;
    var field = input || document.getElementById("ed-" + which + "-" + i);
    if (field) { field.value = fmt(ms); field.removeAttribute("aria-invalid"); }
    var values = { number: number(i + 1), time: fmt(ms) };
    changed(which === "start" ? portalT("Réplique {number} : début à {time}.", values) : portalT("Réplique {number} : fin à {time}.", values));
  }
  function split(i) {
    var area = document.getElementById("ed-text-" + i);
    var at = area ? area.selectionStart : 0;
    var text = cues[i].text, before = text.slice(0, at).trim(), after = text.slice(at).trim();
    if (!before || !after) { say(portalT("Placez le curseur dans le texte, là où la réplique doit être coupée.")); return; }
    var cue = cues[i], t = now();
    var cut = t !== null && t > cue.start_ms && t < cue.end_ms ? t : Math.round((cue.start_ms + (cue.end_ms - cue.start_ms) * at / text.length) / 100) * 100;
    cut = Math.min(Math.max(cut, cue.start_ms + 100), cue.end_ms - 100);
    remember();
    cues.splice(i, 1, { start_ms: cue.start_ms, end_ms: cut, speaker: cue.speaker, text: before }, { start_ms: cut, end_ms: cue.end_ms, speaker: cue.speaker, text: after });
    changed(portalT("Réplique {number} coupée à {time} : deux répliques.", { number: number(i + 1), time: fmt(cut) }));
    show(i + 1);
  }
  function merge(i) {
    if (i >= cues.length - 1) return;
    remember();
    var a = cues[i], b = cues[i + 1];
    cues.splice(i, 2, { start_ms: a.start_ms, end_ms: Math.max(a.end_ms, b.end_ms), speaker: a.speaker || b.speaker, text: a.text + " " + b.text });
    changed(portalT("Répliques {first} et {second} fusionnées.", { first: number(i + 1), second: number(i + 2) }));
    show(i);
  }
  function insert(i) {
    remember();
    var start = cues[i].end_ms, next = cues[i + 1];
    var end = next && next.start_ms - start >= 500 ? Math.min(next.start_ms, start + 2000) : start + 1000;
    cues.splice(i + 1, 0, { start_ms: start, end_ms: end, speaker: cues[i].speaker, text: "…" });
    changed(portalT("Réplique insérée après la {number} : écrivez son texte.", { number: number(i + 1) }));
    show(i + 1);
    var area = document.getElementById("ed-text-" + (i + 1));
    if (area) area.select();
  }
  function remove(i) {
    if (cues.length === 1) { say(portalT("Une transcription garde au moins une réplique.")); return; }
    remember();
    var gone = cues.splice(i, 1)[0];
    changed(portalT("Réplique {number} supprimée (« {text} ») ; « Annuler la dernière action » la rétablit.", { number: number(i + 1), text: gone.text.slice(0, 40) }));
    show(Math.min(i, cues.length - 1), "[data-act=play], .ed-text");
  }
  function undo() {
    if (!history.length) return;
    cues = JSON.parse(history.pop());
    undoButton.disabled = !history.length;
    changed(portalT("Dernière action annulée."));
    render();
  }

  // -- find and replace ------------------------------------------------------------------------
  function pattern(global) {
    var find = document.getElementById("ed-find").value;
    if (!find) return null;
    var escaped = find.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    return new RegExp(escaped, (global ? "g" : "") + (document.getElementById("ed-case").checked ? "" : "i"));
  }
  function findNext() {
    var re = pattern(true);
    if (!re) { say(portalT("Écrivez ce qu'il faut chercher.")); document.getElementById("ed-find").focus(); return; }
    for (var step = 0; step <= cues.length; step++) {
      var i = (findFrom.cue + step) % cues.length;
      re.lastIndex = step === 0 ? findFrom.at : 0;
      var m = re.exec(cues[i].text);
      if (m) {
        findFrom = { cue: i, at: m.index + m[0].length };
        show(i);
        var area = document.getElementById("ed-text-" + i);
        area.setSelectionRange(m.index, m.index + m[0].length);
        say(portalT("Trouvé dans la réplique {number}.", { number: number(i + 1) }));
        return;
      }
    }
    say(portalT("Introuvable."));
  }
  function replaceAll() {
    var re = pattern(true);
    if (!re) { say(portalT("Écrivez ce qu'il faut remplacer.")); document.getElementById("ed-find").focus(); return; }
    var by = document.getElementById("ed-replace").value, count = 0, lines = 0;
    var next = cues.map(function (cue) {
      var n = 0;
      var text = cue.text.replace(re, function () { n++; return by; });
      var speaker = (cue.speaker || "").replace(re, function () { n++; return by; });
      if (n) { lines++; count += n; }
      return { start_ms: cue.start_ms, end_ms: cue.end_ms, speaker: speaker, text: text };
    });
    if (!count) { say(portalT("Aucune occurrence de « {text} ».", { text: document.getElementById("ed-find").value })); return; }
    remember();
    cues = next;
    var counted = { count: number(count), lines: number(lines) };
    if (count <= 1) { changed(portalT("{count} remplacement dans {lines} réplique.", counted)); }
    else if (lines <= 1) { changed(portalT("{count} remplacements dans {lines} réplique.", counted)); }
    else { changed(portalT("{count} remplacements dans {lines} répliques.", counted)); }
    render();
  }

  // -- the server ----------------------------------------------------------------------------
  function send(url, body, done) {
    var xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    xhr.setRequestHeader("Content-Type", "application/json");
    xhr.setRequestHeader("Accept", "application/json");
    xhr.setRequestHeader("X-CSRFToken", root.getAttribute("data-csrf"));
    xhr.addEventListener("load", function () {
      var answer = null;
      try { answer = JSON.parse(xhr.responseText); } catch (err) { answer = null; }
      if (answer && answer.ok) { errorBox.hidden = true; done(answer); return; }
      var error = answer && answer.error;  // {status, message, cue}: portal.errors.json_error
      fail(error ? error.message : portalT("Le serveur a répondu {status} : rien n'a été enregistré.", { status: xhr.status }), error && error.cue);
    });
    xhr.addEventListener("error", function () { fail(portalT("La connexion a été interrompue : rien n'a été enregistré, réessayez.")); });
    xhr.send(JSON.stringify(body));
  }
  function fail(message, cue) {
    errorBox.hidden = false;
    errorBox.textContent = "";
    errorBox.appendChild(el("p", {}, message));
    if (cue) {
      var link = el("a", { href: "#ed-cue-" + (cue - 1) }, portalT("Aller à la réplique {number}", { number: number(cue) }));
      link.addEventListener("click", function (event) { event.preventDefault(); show(cue - 1, ".ed-start"); });
      errorBox.appendChild(link);
    }
    errorBox.focus();
  }
  function payload() {
    return { base: data.base, note: document.getElementById("ed-note").value, cues: cues.map(function (c) { return { start_ms: c.start_ms, end_ms: c.end_ms, speaker: c.speaker, text: c.text }; }) };
  }

  // -- events --------------------------------------------------------------------------------
  list.addEventListener("input", function (event) {
    var li = event.target.closest(".ed-cue");
    if (!li) return;
    var i = Number(li.getAttribute("data-index"));
    if (event.target.classList.contains("ed-text")) { cues[i].text = event.target.value; changed(); }
    if (event.target.classList.contains("ed-speaker")) { cues[i].speaker = event.target.value; changed(); }
  });
  list.addEventListener("change", function (event) {
    var li = event.target.closest(".ed-cue");
    if (!li) return;
    var i = Number(li.getAttribute("data-index"));
    if (event.target.classList.contains("ed-start")) setTime(i, "start", parse(event.target.value), event.target);
    if (event.target.classList.contains("ed-end")) setTime(i, "end", parse(event.target.value), event.target);
  });
  root.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-act]");
    if (!button) return;
    var act = button.getAttribute("data-act"), li = button.closest(".ed-cue");
    var i = li ? Number(li.getAttribute("data-index")) : -1;
    var m = /^(start|end)-(minus|plus|now)$/.exec(act);
    if (m) {
      var value = m[2] === "now" ? now() : cues[i][m[1] + "_ms"] + (m[2] === "plus" ? 100 : -100);
      setTime(i, m[1], value);
      return;
    }
    if (act === "play" && player) { player.currentTime = cues[i].start_ms / 1000; player.play(); return; }
    if (act === "split") { split(i); return; }
    if (act === "merge") { merge(i); return; }
    if (act === "insert") { insert(i); return; }
    if (act === "delete") { remove(i); return; }
    if (act === "undo") { undo(); return; }
    if (act === "find-next") { findNext(); return; }
    if (act === "replace-all") { replaceAll(); return; }
    if (act === "page-prev") { page = Math.max(0, page - 1); render(); return; }
    if (act === "page-next") { page += 1; render(); return; }
    if (act === "page-now" && player) {
      var t = now(), at = cues.findIndex(function (c) { return c.end_ms > t; });
      show(at < 0 ? cues.length - 1 : at);
      return;
    }
    if (act === "preview") {
      send(data.preview_url, payload(), function (answer) {
        preview.innerHTML = answer.html; // rendered and escaped by the server (the upload preview's template)
        saveButton.disabled = answer.same;
        say(answer.same ? portalT("Aucun changement à enregistrer.") : portalT("Voici ce qui change ; « Enregistrer la nouvelle version » le met en ligne."));
        var title = preview.querySelector("h2");
        if (title) { title.setAttribute("tabindex", "-1"); title.focus(); }
      });
      return;
    }
    if (act === "save") {
      saveButton.disabled = true;
      send(data.save_url, payload(), function (answer) { dirty = false; window.location.assign(answer.redirect); });
    }
  });
  // Play and pause without leaving the text being typed; move 2 s back or on.
  document.addEventListener("keydown", function (event) {
    if (!player) return;
    if (event.key === "Escape") { event.preventDefault(); if (player.paused) player.play(); else player.pause(); return; }
    if (event.altKey && (event.key === "ArrowLeft" || event.key === "ArrowRight")) {
      event.preventDefault();
      player.currentTime = Math.max(0, player.currentTime + (event.key === "ArrowLeft" ? -2 : 2));
    }
  });
  if (player) {
    player.addEventListener("timeupdate", function () {
      var t = now();
      list.querySelectorAll(".ed-cue.playing").forEach(function (n) { n.classList.remove("playing"); });
      for (var i = page * PAGE; i < Math.min(cues.length, (page + 1) * PAGE); i++) {
        if (cues[i].start_ms <= t && t < cues[i].end_ms) { var li = document.getElementById("ed-cue-" + i); if (li) li.classList.add("playing"); }
      }
    });
  }
  render();
})();
