// The roster's scanner ([data-scanner]): "Scan a code" loads the decoder (jsQR, vendored: Chromium on Linux
// has no BarcodeDetector) and opens the camera (getUserMedia); each video frame goes to the decoder, and the
// first code read fills the typed field and sends it, as if typed, marked as scanned. Shown only where the
// browser has a camera API; the typed field works everywhere.
(function () {
  "use strict";

  var CODE = /^[A-Z0-9]{8}$/;

  Portfolio.behaviour("[data-scanner]", function (box) {
    var form = document.querySelector("[data-code-form]");
    var video = box.querySelector("[data-scan-video]");
    var start = box.querySelector("[data-scan-start]");
    var stop = box.querySelector("[data-scan-stop]");
    var status = box.querySelector("[data-scan-status]");
    if (!form || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      return;
    }
    box.hidden = false;
    var canvas = document.createElement("canvas");
    var context = canvas.getContext("2d", {willReadFrequently: true});
    var stream = null;
    var timer = null;

    function close() {
      clearInterval(timer);
      timer = null;
      if (stream) {
        stream.getTracks().forEach(function (track) { track.stop(); });
        stream = null;
      }
      video.hidden = true;
      stop.hidden = true;
      start.hidden = false;
    }

    function read() {
      if (!video.videoWidth) {
        return;
      }
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      var pixels = context.getImageData(0, 0, canvas.width, canvas.height);
      var found = window.jsQR(pixels.data, pixels.width, pixels.height, {inversionAttempts: "attemptBoth"});
      var text = found ? found.data.replace(/[^A-Za-z0-9]/g, "").toUpperCase() : "";
      if (CODE.test(text)) {
        close();
        status.textContent = "Code read. Finding the student…";
        form.querySelector("[name=code]").value = text;
        form.querySelector("[data-code-method]").value = "qr";
        form.submit();
      }
    }

    // The decoder, loaded once, when the camera is first opened.
    var decoder = null;
    function loadDecoder() {
      if (!decoder) {
        decoder = window.jsQR ? Promise.resolve() : new Promise(function (resolve, reject) {
          var script = document.createElement("script");
          script.src = box.getAttribute("data-decoder");
          script.onload = resolve;
          script.onerror = function () { decoder = null; reject(new Error("decoder")); };
          document.head.appendChild(script);
        });
      }
      return decoder;
    }

    start.addEventListener("click", function () {
      status.textContent = "Opening the camera…";
      loadDecoder().then(function () {
        return navigator.mediaDevices.getUserMedia({video: {facingMode: "environment"}, audio: false});
      }).then(function (opened) {
        stream = opened;
        video.srcObject = stream;
        video.hidden = false;
        stop.hidden = false;
        start.hidden = true;
        status.textContent = "Hold the student's code in the camera's view.";
        return video.play();
      }).then(function () {
        timer = setInterval(read, 200);
      }).catch(function () {
        close();
        status.textContent = "The camera could not be opened. Type the code instead.";
      });
    });
    stop.addEventListener("click", function () {
      close();
      status.textContent = "";
    });
  });
})();
