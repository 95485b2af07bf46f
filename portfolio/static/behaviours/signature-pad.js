// Signature pad (the on-the-spot sign-off): a finger, a pen or a mouse draws on the canvas; the drawing goes
// into the hidden signature_png input as a PNG data URL. Typing the name is the alternative, always shown;
// without this script the pad stays hidden and typing is the way to sign.
(function () {
  "use strict";

  function initSignaturePad(form) {
    var pad = form.querySelector("[data-signature-pad]");
    var canvas = pad ? pad.querySelector("canvas") : null;
    var field = form.querySelector("[data-signature-value]");
    if (!pad || !canvas || !field || !canvas.getContext) {
      return;
    }
    pad.hidden = false;
    var context = canvas.getContext("2d");
    var drawn = false;
    var last = null;

    function blank() {
      context.setTransform(1, 0, 0, 1, 0, 0);
      context.fillStyle = "#ffffff";
      context.fillRect(0, 0, canvas.width, canvas.height);
      var ratio = canvas.width / canvas.getBoundingClientRect().width || 1;
      context.setTransform(ratio, 0, 0, ratio, 0, 0);
      context.lineWidth = 2.5;
      context.lineCap = "round";
      context.lineJoin = "round";
      context.strokeStyle = "#1b1f24";
      context.fillStyle = "#1b1f24";
    }

    function paint(dataUrl) {
      var image = new Image();
      image.onload = function () {
        context.save();
        context.setTransform(1, 0, 0, 1, 0, 0);
        context.drawImage(image, 0, 0, canvas.width, canvas.height);
        context.restore();
      };
      image.src = dataUrl;
    }

    // The drawing surface follows the box's size on screen (and the screen's density, up to 2x, which keeps
    // the PNG small); turning the phone redraws what was there.
    function fit() {
      var box = canvas.getBoundingClientRect();
      if (!box.width) {
        return;
      }
      var ratio = Math.min(window.devicePixelRatio || 1, 2);
      var width = Math.round(box.width * ratio);
      var height = Math.round(box.height * ratio);
      if (canvas.width === width && canvas.height === height) {
        return;
      }
      canvas.width = width;
      canvas.height = height;
      blank();
      if (drawn && field.value) {
        paint(field.value);
      }
    }

    function point(event) {
      var box = canvas.getBoundingClientRect();
      return {x: event.clientX - box.left, y: event.clientY - box.top};
    }

    function save() {
      field.value = drawn ? canvas.toDataURL("image/png") : "";
    }

    canvas.addEventListener("pointerdown", function (event) {
      if (event.button !== undefined && event.button > 0) {
        return;
      }
      event.preventDefault();
      if (canvas.setPointerCapture) {
        canvas.setPointerCapture(event.pointerId);
      }
      last = point(event);
      context.beginPath();
      context.arc(last.x, last.y, context.lineWidth / 2, 0, Math.PI * 2);
      context.fill();
      drawn = true;
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!last) {
        return;
      }
      event.preventDefault();
      var next = point(event);
      context.beginPath();
      context.moveTo(last.x, last.y);
      context.lineTo(next.x, next.y);
      context.stroke();
      last = next;
    });
    function finish() {
      if (last) {
        last = null;
        save();
      }
    }
    canvas.addEventListener("pointerup", finish);
    canvas.addEventListener("pointercancel", finish);
    canvas.addEventListener("lostpointercapture", finish);

    var clear = pad.querySelector("[data-signature-clear]");
    if (clear) {
      clear.addEventListener("click", function () {
        drawn = false;
        blank();
        save();
      });
    }
    form.addEventListener("submit", save);
    window.addEventListener("resize", fit);

    fit();
    if (field.value) {  // sent back with an error in another field: show the drawing again
      drawn = true;
      paint(field.value);
    }
  }

  Portfolio.behaviour("form[data-signature-form]", initSignaturePad);
})();
