// The recording upload (templates/admin/media.html): the same form, sent by XMLHttpRequest to show its
// progress; the server answers JSON (where to go next, or why the file was refused). Without this script
// the form posts normally.
(function () {
  "use strict";
  var form = document.getElementById("media-upload");
  if (!form || !window.XMLHttpRequest || !window.FormData) return;
  var box = form.querySelector(".upload-progress");
  var bar = box.querySelector("progress");
  var text = document.getElementById("media-progress-text");
  var errorBox = document.getElementById("media-error");
  var submit = form.querySelector("button[type=submit]");
  var input = document.getElementById("media-file");
  var maxBytes = Number(form.getAttribute("data-max-bytes"));
  var xhr = null;

  var lang = document.documentElement.lang || "fr";
  function size(bytes) {
    if (bytes >= 1073741824) return portalT("{size}\u00a0Go", { size: (bytes / 1073741824).toLocaleString(lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 }) });
    return portalT("{size}\u00a0Mo", { size: Math.max(1, Math.round(bytes / 1048576)).toLocaleString(lang) });
  }
  function fail(message) {
    box.hidden = true;
    submit.disabled = false;
    errorBox.hidden = false;
    errorBox.textContent = "";
    var p = document.createElement("p");
    var strong = document.createElement("strong");
    strong.textContent = portalT("Fichier refusé :") + " ";
    p.appendChild(strong);
    p.appendChild(document.createTextNode(message));
    errorBox.appendChild(p);
    var nothing = document.createElement("p");
    nothing.textContent = portalT("Rien n'a été modifié.");
    errorBox.appendChild(nothing);
    errorBox.focus();
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var file = input.files && input.files[0];
    if (!file) { fail(portalT("choisissez un fichier audio ou vidéo à envoyer.")); return; }
    if (maxBytes && file.size > maxBytes) { fail(portalT("ce fichier fait {size}, {limit} au plus.", { size: size(file.size), limit: form.getAttribute("data-limit") })); return; }
    errorBox.hidden = true;
    submit.disabled = true;
    box.hidden = false;
    bar.value = 0;
    text.textContent = portalT("Envoi : {percent} %", { percent: (0).toLocaleString(lang) });
    var started = Date.now();
    var spoken = -10;
    xhr = new XMLHttpRequest();
    xhr.open("POST", form.action || window.location.href);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.addEventListener("progress", function (e) {
      if (!e.lengthComputable) return;
      var percent = Math.floor(e.loaded * 100 / e.total);
      bar.value = percent;
      var elapsed = (Date.now() - started) / 1000;
      var left = e.loaded && elapsed > 2 ? Math.round(elapsed * (e.total - e.loaded) / e.loaded) : 0;
      var values = { percent: percent.toLocaleString(lang), loaded: size(e.loaded), total: size(e.total) };
      var line = portalT("Envoi : {percent} % ({loaded} sur {total})", values);
      if (left >= 90) { values.minutes = Math.round(left / 60).toLocaleString(lang); line = portalT("Envoi : {percent} % ({loaded} sur {total}), encore environ {minutes} min", values); }
      else if (left > 0) { values.seconds = left.toLocaleString(lang); line = portalT("Envoi : {percent} % ({loaded} sur {total}), encore environ {seconds} s", values); }
      // A screen reader hears it every 10 %, not at every event.
      text.setAttribute("aria-live", percent - spoken >= 10 || percent === 100 ? "polite" : "off");
      if (percent - spoken >= 10) spoken = percent;
      text.textContent = percent === 100 ? portalT("Fichier reçu : vérification en cours…") : line;
    });
    xhr.addEventListener("load", function () {
      var data = null;
      try { data = JSON.parse(xhr.responseText); } catch (err) { data = null; }
      if (data && data.ok) { window.location.assign(data.redirect); return; }
      if (data && data.error && xhr.status !== 413) { fail(data.error.message); return; }  // portal.errors.json_error
      fail(xhr.status === 413 ? portalT("ce fichier dépasse la taille permise ({limit}).", { limit: form.getAttribute("data-limit") }) : portalT("le serveur a répondu {status}.", { status: xhr.status }));
    });
    xhr.addEventListener("error", function () { fail(portalT("la connexion a été interrompue ; réessayez.")); });
    xhr.addEventListener("abort", function () { fail(portalT("envoi annulé.")); });
    xhr.send(new FormData(form));
  });
  box.querySelector("[data-cancel]").addEventListener("click", function () { if (xhr) xhr.abort(); });
})();
