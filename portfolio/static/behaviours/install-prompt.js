// The "Install the app" step of the dashboard's Get started card: where the browser offers its own install
// prompt (a beforeinstallprompt event), an Install button that opens it in place of the written steps. Where
// it does not (iOS Safari), the written steps stay: the event's arrival decides, not the browser's name.
(function () {
  "use strict";

  var offered = null;  // the browser's prompt, kept until the student asks for it (it may come before the card)
  var steps = [];

  function offer(step) {
    var button = step.querySelector("button[data-install]");
    var how = step.querySelector("[data-install-how]");
    if (!offered || !button) {
      return;
    }
    button.hidden = false;
    if (how) {
      how.textContent = "It opens from your home screen and logs hours without a signal.";
    }
  }

  // Shown like the dashboard's own status line (Portfolio.say): hidden until there is something to say.
  function tell(status, text) {
    if (status) {
      status.textContent = text;
      status.hidden = false;
    }
  }

  function installed(step) {
    var button = step.querySelector("button[data-install]");
    var status = step.querySelector("[data-install-status]");
    var state = step.querySelector(".step-state");
    step.classList.add("done");
    if (state) { state.textContent = "Done"; }
    if (button) { button.hidden = true; }
    tell(status, "Installed: open Career Portfolio from your home screen.");
  }

  window.addEventListener("beforeinstallprompt", function (event) {
    event.preventDefault();  // the browser's own mini bar would compete with the card's button
    offered = event;
    steps.forEach(offer);
  });

  window.addEventListener("appinstalled", function () {
    offered = null;
    steps.forEach(installed);
  });

  Portfolio.behaviour("[data-install-step]", function (step) {
    var button = step.querySelector("button[data-install]");
    var status = step.querySelector("[data-install-status]");
    steps.push(step);
    offer(step);
    if (!button) {
      return;
    }
    button.addEventListener("click", function () {
      var prompt = offered;
      if (!prompt) {
        return;
      }
      offered = null;  // a prompt opens once
      button.hidden = true;
      prompt.prompt();
      prompt.userChoice.then(function (choice) {
        if (choice && choice.outcome === "accepted") {
          installed(step);
        } else {
          tell(status, "Not installed. The browser's menu can install it later.");
        }
      });
    });
  });
})();
