// Photos and PDFs chosen with a new entry (input[data-evidence-files]). Files over the size limit
// (data-max-bytes, all of them together) are said at once, and the form is not sent: the server would
// refuse it whole. Each chosen file gets a UUID, sent with the form and kept with a queued entry, so a
// file that did arrive is not stored twice when the form or the queue sends it again.
(function () {
  "use strict";

  var Queue = window.PortfolioQueue;

  function withinLimit(input) {
    var limit = Number(input.getAttribute("data-max-bytes")) || Infinity;
    var total = Array.prototype.reduce.call(input.files || [], function (sum, file) { return sum + file.size; }, 0);
    var problem = input.parentNode.querySelector("[data-file-problem]");
    var message = total > limit
      ? "These files come to " + (total / 1048576).toFixed(1) + " MB; at most " + Math.floor(limit / 1048576) + " MB fit. Choose fewer or smaller files."
      : "";
    input.setCustomValidity(message);
    if (problem) {
      problem.textContent = message;
      problem.hidden = !message;
    }
    return !message;
  }

  Portfolio.behaviour("input[data-evidence-files]", function (input) {
    if (!Queue) {
      return;
    }
    input.addEventListener("change", function () {
      withinLimit(input);
      Array.prototype.forEach.call(input.parentNode.querySelectorAll("input[name=evidence_uuid]"), function (old) {
        old.parentNode.removeChild(old);
      });
      Array.prototype.forEach.call(input.files || [], function () {
        input.parentNode.appendChild(Portfolio.el("input", {type: "hidden", name: "evidence_uuid", value: Queue.newUuid()}));
      });
    });
  });

  // Caught on the window, the event's very first stop, so that neither the offline queue (on the document)
  // nor htmx (on the form) sends files that cannot fit. Looked up at each submit: the input is carried over
  // into every form that comes back with errors.
  window.addEventListener("submit", function (event) {
    var form = event.target;
    var input = form.querySelector ? form.querySelector("input[data-evidence-files]") : null;
    if (input && !withinLimit(input)) {
      event.preventDefault();
      event.stopImmediatePropagation();
      input.focus();
    }
  }, true);
})();
