// Warehouse scan pages: a scan id per form (a resent form is applied once), the scan field
// kept in focus for a keyboard-wedge scanner (it types the code and presses Enter), and
// every result confirmed by colour and by sound.
(function () {
  "use strict";

  function newId() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    return "s" + Date.now().toString(36) + Math.random().toString(36).slice(2, 12);
  }

  function beep(ok) {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) { return; }
    try {
      var audio = new Context();
      var tone = audio.createOscillator();
      var gain = audio.createGain();
      tone.type = ok ? "sine" : "square";
      tone.frequency.value = ok ? 1320 : 220;
      gain.gain.value = 0.15;
      tone.connect(gain);
      gain.connect(audio.destination);
      tone.start();
      tone.stop(audio.currentTime + (ok ? 0.12 : 0.45));
    } catch (e) { /* no sound on this device: the colour still tells */ }
  }

  function focusScan() {
    var field = document.querySelector("[data-scan]");
    var active = document.activeElement;
    var typing = active && /^(INPUT|SELECT|TEXTAREA)$/.test(active.tagName);
    var camera = document.body.classList.contains("wh-camera-on"); // camera.js's overlay is open
    if (field && !typing && !camera) { field.focus(); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-scan-id]").forEach(function (input) {
      input.value = newId();
    });
    document.querySelectorAll("form.wh-form").forEach(function (form) {
      form.addEventListener("submit", function () {
        form.classList.add("wh-sending");
        form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
      });
    });
    var feedback = document.querySelector("[data-feedback]");
    if (feedback) {
      var ok = feedback.getAttribute("data-feedback") === "ok";
      document.body.classList.add(ok ? "wh-flash-ok" : "wh-flash-error");
      beep(ok);
    }
    focusScan();
    document.addEventListener("click", function () { window.setTimeout(focusScan, 0); });
  });
})();
