/* Cables: Web Push subscription for this device (no inline script; CSP 'self'). */
(function () {
  "use strict";
  var button = document.getElementById("push-toggle");
  if (!button || !("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    return;
  }
  var label = button.querySelector("span");

  function keyBytes(base64) {
    var padded = (base64 + "===".slice((base64.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(padded);
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { out[i] = raw.charCodeAt(i); }
    return out;
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": button.dataset.csrf },
      body: JSON.stringify(body)
    });
  }

  function show(on) {
    button.classList.remove("d-none");
    button.dataset.state = on ? "on" : "off";
    label.textContent = on ? button.dataset.on : button.dataset.off;
    button.classList.toggle("btn-success", on);
    button.classList.toggle("btn-outline-secondary", !on);
  }

  navigator.serviceWorker.register(button.dataset.sw).then(function (registration) {
    return registration.pushManager.getSubscription().then(function (existing) {
      if (Notification.permission === "denied") {
        button.classList.remove("d-none");
        button.disabled = true;
        label.textContent = button.dataset.denied;
        return;
      }
      show(Boolean(existing));
      button.addEventListener("click", function () {
        button.disabled = true;
        registration.pushManager.getSubscription().then(function (current) {
          if (current) {
            return post(button.dataset.unsubscribe, { endpoint: current.endpoint }).then(function () {
              return current.unsubscribe();
            }).then(function () { show(false); });
          }
          return Notification.requestPermission().then(function (permission) {
            if (permission !== "granted") { show(false); return null; }
            return registration.pushManager.subscribe({
              userVisibleOnly: true,
              applicationServerKey: keyBytes(button.dataset.key)
            }).then(function (subscription) {
              return post(button.dataset.subscribe, subscription.toJSON()).then(function (response) {
                show(response.ok);
              });
            });
          });
        }).catch(function () { show(false); }).then(function () { button.disabled = false; });
      });
    });
  }).catch(function () { /* no service worker: the inbox still refreshes itself */ });
})();
