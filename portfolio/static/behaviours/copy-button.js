// Copy buttons (the link-created page): <button data-copy="input-id" hidden>. Shown only when the clipboard
// can be written; the status next to it says what happened, for screen readers too.
(function () {
  "use strict";

  Portfolio.behaviour("button[data-copy]", function (button) {
    var source = document.getElementById(button.getAttribute("data-copy"));
    var status = button.parentNode.querySelector(".copy-status");
    if (!source || !navigator.clipboard || !window.isSecureContext) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(source.value).then(function () {
        if (status) { status.textContent = "Copied."; }
      }, function () {
        source.select();
        if (status) { status.textContent = "Could not copy: the link is selected, copy it yourself."; }
      });
    });
  });
})();
