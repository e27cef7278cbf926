/* The scripts' messages in the page's language: window.portalT("Fin du parcours.") returns the
 * translation the server put in #js-messages (portal/i18n.py), or the French reference itself;
 * "{name}" placeholders are filled from the second argument. Loaded before the page's scripts. */
(function () {
  "use strict";
  var box = document.getElementById("js-messages");
  var messages = {};
  try { messages = box ? JSON.parse(box.textContent) : {}; } catch (e) { messages = {}; }
  window.portalT = function (message, params) {
    var text = Object.prototype.hasOwnProperty.call(messages, message) && messages[message] ? messages[message] : message;
    return params ? text.replace(/\{(\w+)\}/g, function (all, name) { return name in params ? String(params[name]) : all; }) : text;
  };
}());
