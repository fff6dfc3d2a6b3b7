// Warehouse scan pages: the phone's camera as a scanner. The camera button next to a scan
// field opens the rear camera in an overlay and reads Code 128 and QR codes continuously
// (barcode-detector, a BarcodeDetector built on zxing-wasm, served from /static/vendor with
// its .wasm: nothing comes from the internet). The first code read is put into the field
// and the form is sent as a wedge scanner's Enter sends it — same scan id, same colour and
// tone on the page that answers — and the overlay closes; it also closes on cancel.
(function () {
  "use strict";

  var FORMATS = ["code_128", "qr_code"];
  var EVERY_MS = 120; // pause between two reads of the picture
  var overlay, video, message, stream, detector, field, timer, library;
  var running = false;
  var turn = 0; // which opening of the overlay the camera's answers belong to

  function say(key) {
    message.textContent = overlay.getAttribute("data-say-" + key) || "";
    overlay.setAttribute("data-state", key);
  }

  function loadLibrary() {
    if (window.BarcodeDetectionAPI) { return Promise.resolve(window.BarcodeDetectionAPI); }
    if (!library) {
      library = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = overlay.getAttribute("data-library");
        script.onload = function () {
          if (window.BarcodeDetectionAPI) { resolve(window.BarcodeDetectionAPI); } else { reject(new Error("no reader")); }
        };
        script.onerror = function () { library = null; reject(new Error("no reader")); };
        document.head.appendChild(script);
      });
    }
    return library;
  }

  function makeDetector(api) {
    if (detector) { return Promise.resolve(detector); }
    var wasm = overlay.getAttribute("data-wasm");
    // Our own copy of the .wasm, never the library's default CDN address.
    return api.prepareZXingModule({
      overrides: {
        locateFile: function (path, prefix) { return /\.wasm$/.test(path) ? wasm : prefix + path; }
      },
      fireImmediately: true
    }).then(function () {
      detector = new api.BarcodeDetector({ formats: FORMATS });
      return detector;
    });
  }

  function stopCamera() {
    running = false;
    turn += 1;
    window.clearTimeout(timer);
    if (stream) { stream.getTracks().forEach(function (track) { track.stop(); }); }
    stream = null;
    video.srcObject = null;
  }

  function close() {
    stopCamera();
    overlay.hidden = true;
    document.body.classList.remove("wh-camera-on");
    if (field) { field.focus(); }
  }

  function refused(error) {
    stopCamera();
    var name = error && error.name;
    if (name === "NotAllowedError" || name === "SecurityError") { say("denied"); }
    else if (name === "NotFoundError" || name === "OverconstrainedError") { say("none"); }
    else if (name === "NotReadableError" || name === "AbortError") { say("busy"); }
    else { say("failed"); }
  }

  function read(code) {
    stopCamera();
    overlay.hidden = true;
    document.body.classList.remove("wh-camera-on");
    field.value = code;
    var form = field.form;
    var send = form.querySelector("button[type=submit]");
    // What Enter does in the field: the form's own button, with its checks and its scan id.
    if (send) { send.click(); } else if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
  }

  function look() {
    if (!running) { return; }
    detector.detect(video).then(function (codes) {
      if (!running) { return; }
      for (var i = 0; i < codes.length; i += 1) {
        var code = (codes[i].rawValue || "").trim();
        if (code) { read(code); return; }
      }
      timer = window.setTimeout(look, EVERY_MS);
    }, function () {
      if (running) { timer = window.setTimeout(look, EVERY_MS * 2); }
    });
  }

  function open(input) {
    field = input;
    overlay.hidden = false;
    document.body.classList.add("wh-camera-on");
    overlay.querySelector("[data-camera-cancel]").focus();
    if (!window.isSecureContext) { say("insecure"); return; }
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) { say("none"); return; }
    say("starting");
    running = true;
    var mine = turn;
    function current() { return running && mine === turn; }
    var reader = loadLibrary().then(makeDetector);
    var camera = navigator.mediaDevices.getUserMedia({
      audio: false,
      video: { facingMode: { ideal: "environment" }, width: { ideal: 1280 }, height: { ideal: 720 } }
    });
    camera.then(function (found) {
      if (!current()) { found.getTracks().forEach(function (track) { track.stop(); }); return null; }
      stream = found;
      video.srcObject = found;
      return video.play();
    }).then(function () {
      return reader.then(function () {
        if (!current()) { return; }
        say("aim");
        look();
      }, function () {
        if (current()) { stopCamera(); say("failed"); }
      });
    }, function (error) {
      if (current()) { refused(error); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    overlay = document.querySelector("[data-camera]");
    if (!overlay) { return; }
    video = overlay.querySelector("video");
    message = overlay.querySelector("[data-camera-msg]");
    document.querySelectorAll("[data-camera-for]").forEach(function (button) {
      var input = button.form && button.form.elements.namedItem(button.getAttribute("data-camera-for"));
      if (!input) { return; }
      button.hidden = false;
      button.addEventListener("click", function (event) {
        event.preventDefault();
        open(input);
      });
    });
    overlay.querySelector("[data-camera-cancel]").addEventListener("click", close);
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && !overlay.hidden) { close(); }
    });
  });
})();
