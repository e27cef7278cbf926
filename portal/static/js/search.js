/* The results page: on a wide screen the filters beside the hits are open (on a phone they stay
 * folded, so the first hits are on the first screen). Without JavaScript they open with a tap. */
(function () {
  "use strict";
  var refine = document.getElementById("refine");
  if (refine && window.matchMedia && window.matchMedia("(min-width: 50rem)").matches) { refine.open = true; }
})();
