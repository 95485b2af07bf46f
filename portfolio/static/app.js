// Small progressive enhancements; every page works without this file.
"use strict";

// After htmx swaps in a form with errors, move focus to the summary so screen readers announce it.
document.addEventListener("htmx:afterSwap", function (event) {
  var summary = event.detail.target && event.detail.target.querySelector
    ? event.detail.target.querySelector(".error-summary")
    : null;
  if (summary) {
    summary.focus();
  }
});
