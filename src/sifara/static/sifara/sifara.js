/* Sifara: small progressive enhancements. Pages work without this file. */
(function () {
  "use strict";

  function tick() {
    document.querySelectorAll("[data-clock-tz]").forEach(function (el) {
      var root = document.documentElement;
      var lang = root.lang || "ar";
      try {
        el.textContent = new Intl.DateTimeFormat(lang, {
          timeZone: el.getAttribute("data-clock-tz"),
          hour: "numeric",
          minute: "2-digit",
          numberingSystem: root.getAttribute("data-numbering") || "latn",
        }).format(new Date());
      } catch (e) {
        /* unknown zone in this browser: keep the server-rendered time */
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    tick();
    window.setInterval(tick, 20000);
  });

  /* Confirm destructive actions: <form data-confirm="..."> */
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.getAttribute && form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });
})();
