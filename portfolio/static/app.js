// Small progressive enhancements; every page works without this file.
"use strict";

// Upload progress: htmx sends forms marked data-progress with XMLHttpRequest and reports its progress.
document.addEventListener("htmx:xhr:progress", function (event) {
  var form = event.target.closest ? event.target.closest("form[data-progress]") : null;
  if (!form || !event.detail.lengthComputable || !event.detail.total) {
    return;
  }
  var bar = form.querySelector("progress");
  if (bar) {
    bar.hidden = false;
    bar.value = Math.round((event.detail.loaded / event.detail.total) * 100);
  }
});
