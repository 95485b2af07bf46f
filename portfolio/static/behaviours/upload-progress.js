// Upload progress (form[data-progress]): htmx sends these forms with XMLHttpRequest and reports how much
// has gone up; the form's <progress> bar shows it.
(function () {
  "use strict";

  Portfolio.behaviour("form[data-progress]", function (form) {
    form.addEventListener("htmx:xhr:progress", function (event) {
      if (!event.detail.lengthComputable || !event.detail.total) {
        return;
      }
      var bar = form.querySelector("progress");
      if (bar) {
        bar.hidden = false;
        bar.value = Math.round((event.detail.loaded / event.detail.total) * 100);
      }
    });
  });
})();
