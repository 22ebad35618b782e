/**
 * The dashboard's only script, a progressive enhancement: the queue page listens to server-sent
 * events and swaps in the fragment the server rendered (already escaped). Without it the page
 * still works; it reloads itself every 5 s.
 */
export const DASHBOARD_JS = `"use strict";
(function () {
  var live = document.getElementById("queue-live");
  if (!live || typeof EventSource === "undefined") return;
  var source = new EventSource(live.getAttribute("data-events"));
  source.addEventListener("queue", function (event) {
    var data = JSON.parse(event.data);
    live.innerHTML = data.html;
    live.setAttribute("data-updated", data.at);
  });
})();
`;
