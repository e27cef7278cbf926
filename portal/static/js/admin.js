/* Admin niceties: drop a transcript file on the upload area (the plain file field works without this);
 * the progress of a long transcript's indexing, updated in place (without this, "Actualiser"). */
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  document.querySelectorAll("[data-dropzone]").forEach(function (zone) {
    var input = zone.querySelector("input[type=file]");
    if (!input) { return; }
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) { event.preventDefault(); zone.classList.add("dragging"); });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function () { zone.classList.remove("dragging"); });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      if (event.dataTransfer && event.dataTransfer.files.length) {
        input.files = event.dataTransfer.files;
        input.dispatchEvent(new Event("change"));
      }
    });
  });

  var box = document.getElementById("index-progress");
  if (box && window.fetch) {
    var bar = box.querySelector("progress"), text = box.querySelector(".progress-text");
    var number = function (n) { return Number(n).toLocaleString(document.documentElement.lang || "fr"); };
    var poll = function () {
      fetch(box.getAttribute("data-progress-url"), { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); })
        .then(function (data) {
          if (!data.pending) {
            box.querySelector("p").hidden = true;
            box.querySelector(".progress-line").hidden = true;
            box.querySelector(".index-done").textContent = portalT("Indexation terminée : la recherche trouve maintenant la version active.");
            return;
          }
          bar.max = data.total || 1;
          bar.value = data.done;
          text.textContent = portalT("{done} répliques sur {total} ({percent} %)", { done: number(data.done), total: number(data.total), percent: number(data.percent) });
          window.setTimeout(poll, 2000);
        })
        .catch(function () { window.setTimeout(poll, 5000); });
    };
    window.setTimeout(poll, 1000);
  }
})();
