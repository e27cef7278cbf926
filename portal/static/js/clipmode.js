/* "Créer un extrait": set a start and an end from the playback or from the transcript, nudge
 * them by a second, preview, copy the link; signed-in trainers can save it as a named clip.
 * Without JavaScript the same form still builds the ?start=&end= link.
 */
(function () {
  "use strict";
  var watch = window.PortalWatch;
  var form = document.getElementById("clip-form");
  if (!watch || !form) { return; }
  var startInput = document.getElementById("clip-start");
  var endInput = document.getElementById("clip-end");
  var linkOut = document.getElementById("clip-link");
  var saveForm = document.getElementById("clip-save");
  var transcript = document.getElementById("transcript");
  var pickButton = null;

  /* Choosing a line ends with the line, or with Escape (focus goes back to the button that asked). */
  function stopPicking() {
    watch.pick = null;
    if (transcript) { transcript.classList.remove("picking"); }
  }
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && watch.pick) {
      stopPicking();
      watch.announce(portalT("Choix de la réplique annulé."));
      if (pickButton) { pickButton.focus(); }
    }
  });
  if (!transcript) { form.querySelectorAll("button[data-clip=pick]").forEach(function (b) { b.hidden = true; }); }

  function read(input) { return watch.parseTime(input.value); }
  function write(input, seconds) { input.value = watch.preciseClock(Math.max(0, seconds)); update(); }

  function bounds() {
    var start = read(startInput), end = read(endInput);
    if (start === null || end === null) { return { error: portalT("Temps illisible : écrivez par exemple 12:34.") }; }
    if (end <= start) { return { error: portalT("La fin doit venir après le début.") }; }
    if (end - start > 30 * 60) { return { error: portalT("Un extrait dure au plus 30 minutes.") }; }
    return { start: start, end: end };
  }

  function link(b) {
    return window.location.origin + watch.watchPath() + "?start=" + watch.secondsParam(b.start) + "&end=" + watch.secondsParam(b.end);
  }

  function update() {
    var b = bounds();
    linkOut.textContent = b.error ? b.error : link(b);
    linkOut.classList.toggle("field-error", Boolean(b.error));
    if (saveForm && !b.error) {
      saveForm.querySelector("[name=start]").value = watch.secondsParam(b.start);
      saveForm.querySelector("[name=end]").value = watch.secondsParam(b.end);
    }
  }

  form.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-clip]");
    if (!button) { return; }
    event.preventDefault();
    var action = button.getAttribute("data-clip");
    var input = button.getAttribute("data-target") === "end" ? endInput : startInput;
    var player = watch.player();
    if (action === "now" && player) { write(input, Math.floor(player.currentTime())); watch.announce(input === startInput ? portalT("Début : {time}", { time: input.value }) : portalT("Fin : {time}", { time: input.value })); }
    if (action === "minus" || action === "plus") {
      var value = read(input);
      if (value !== null) { write(input, value + (action === "plus" ? 1 : -1)); watch.announce(input.value); }
    }
    if (action === "pick" && transcript) {
      watch.announce(portalT("Choisissez une réplique dans la transcription (Échap pour annuler)."));
      transcript.classList.add("picking");
      watch.pick = function (li) {
        stopPicking();
        var startMs = parseInt(li.getAttribute("data-start-ms"), 10), endMs = parseInt(li.getAttribute("data-end-ms"), 10);
        write(input, (input === startInput ? startMs : endMs) / 1000);
        watch.announce(input === startInput ? portalT("Début fixé à {time}", { time: input.value }) : portalT("Fin fixé à {time}", { time: input.value }));
        input.focus();
      };
      pickButton = button;
      watch.focusLines();
    }
    if (action === "preview") {
      var b = bounds();
      if (b.error) { watch.announce(b.error); return; }
      watch.setSegment(b.start, b.end);
      watch.seek(b.start, true);
    }
    if (action === "copy") {
      var bc = bounds();
      if (bc.error) { watch.announce(bc.error); return; }
      watch.copy(link(bc), portalT("extrait {start}–{end}", { start: watch.clock(bc.start), end: watch.clock(bc.end) }));
    }
  });
  startInput.addEventListener("input", update);
  endInput.addEventListener("input", update);
  form.addEventListener("submit", function (event) {
    var b = bounds();
    if (b.error) { event.preventDefault(); watch.announce(b.error); }
  });
  update();
})();
