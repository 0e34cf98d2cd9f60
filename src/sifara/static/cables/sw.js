/* Service worker of Sifara cables: shows push notices. A notice carries only
   precedence, reference number and sender — never subject or text. */
"use strict";

self.addEventListener("push", function (event) {
  var data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { data = {}; }
  var title = (data.precedence || "") + " " + (data.reference || "");
  event.waitUntil(
    self.registration.showNotification(title.trim() || "Sifara", {
      body: data.sender || "",
      tag: data.reference || "sifara-cable",
      renotify: true,
      requireInteraction: data.precedence === "FLASH" || data.precedence === "NIACT IMMEDIATE"
    })
  );
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (clients) {
      for (var i = 0; i < clients.length; i++) {
        if (clients[i].url.indexOf("/cables/") !== -1 && "focus" in clients[i]) {
          return clients[i].focus();
        }
      }
      return self.clients.openWindow("/cables/");
    })
  );
});
