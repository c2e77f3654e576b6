// A call page: draws each channel's waveform from the embedded peaks, moves the playhead with
// the player, and seeks the player from the timeline, the muted stretches, the findings and
// the transcript. Regions and transcript lines are already in the page; this only adds motion.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("call-data").textContent);
  // Each lane's peaks come as base64 of signed bytes: [min0, max0, min1, max1, ...].
  var peaksOf = data.lanes.map(function (b64) {
    var s = atob(b64), v = new Int8Array(s.length);
    for (var i = 0; i < s.length; i++) v[i] = s.charCodeAt(i) << 24 >> 24;
    return v;
  });
  var dur = Math.max(1, data.dur);
  var audio = document.getElementById("player");
  var timeline = document.getElementById("timeline");
  var playhead = document.getElementById("playhead");
  var now = document.getElementById("now");
  var lanes = Array.prototype.slice.call(timeline.querySelectorAll(".lane"));
  var regions = Array.prototype.slice.call(timeline.querySelectorAll(".muted-region"));
  var findings = Array.prototype.slice.call(document.querySelectorAll("tr.finding"));
  var segs = Array.prototype.slice.call(document.querySelectorAll("li.seg"));
  var nowDefault = now.textContent;
  // Seeking to a finding starts a little before it, so the listener hears what led into it.
  var PREROLL_MS = 1000;

  function draw() {
    lanes.forEach(function (lane, c) {
      var cv = lane.querySelector("canvas"), peaks = peaksOf[c];
      var dpr = window.devicePixelRatio || 1;
      var w = Math.max(1, Math.round(cv.clientWidth * dpr)), h = Math.max(1, Math.round(cv.clientHeight * dpr));
      cv.width = w; cv.height = h;
      var g = cv.getContext("2d");
      g.clearRect(0, 0, w, h);
      g.fillStyle = "#e4e8ee";
      g.fillRect(0, Math.floor(h / 2), w, Math.max(1, Math.round(dpr)));
      if (!peaks || !peaks.length) return;
      var n = peaks.length / 2, mid = h / 2, amp = (h / 2 - 4 * dpr) / 127;
      g.fillStyle = "#5b6b86";
      for (var x = 0; x < w; x++) {
        var a = Math.floor(x * n / w), b = Math.max(a + 1, Math.floor((x + 1) * n / w));
        var lo = 0, hi = 0;
        for (var k = a; k < b && k < n; k++) {
          if (peaks[2 * k] < lo) lo = peaks[2 * k];
          if (peaks[2 * k + 1] > hi) hi = peaks[2 * k + 1];
        }
        var top = mid - hi * amp, bot = mid - lo * amp;
        g.fillRect(x, top, 1, Math.max(1, bot - top));
      }
    });
  }

  function describe(r) { return r.getAttribute("aria-label"); }
  // Where a seek is going, until the player gets there: the timeline follows at once.
  var pendingMs = null;
  function ms() { return pendingMs != null ? pendingMs : audio ? audio.currentTime * 1000 : 0; }
  var lastActive = "";
  function update() {
    var t = ms();
    playhead.style.left = (Math.min(t, dur) / dur * 100) + "%";
    var active = [];
    regions.forEach(function (r) {
      var on = t >= +r.dataset.mutedStartMs && t < +r.dataset.mutedEndMs;
      r.classList.toggle("active", on);
      if (on) active.push(r);
    });
    findings.forEach(function (f) {
      f.classList.toggle("active", active.some(function (r) { return r.dataset.i === f.dataset.i; }));
    });
    var key = active.map(function (r) { return r.dataset.i; }).join(",");
    if (key !== lastActive) {
      lastActive = key;
      now.textContent = active.length ? "Muted now: " + active.map(describe).join(" | ") : nowDefault;
    }
    var current = null;
    segs.forEach(function (s) {
      var on = t >= +s.dataset.startMs && t < +s.dataset.endMs;
      s.classList.toggle("current", on);
      if (on && !current) current = s;
    });
    if (current && audio && !audio.paused) current.scrollIntoView({ block: "nearest" });
  }
  function seek(toMs) {
    toMs = Math.max(0, Math.min(dur, toMs));
    pendingMs = toMs;
    if (audio) {
      // Before the metadata has loaded, the browser ignores currentTime; apply it once it has.
      if (audio.readyState > 0) audio.currentTime = toMs / 1000;
      else audio.addEventListener("loadedmetadata", function () { audio.currentTime = toMs / 1000; }, { once: true });
    }
    update();
  }

  timeline.addEventListener("click", function (e) {
    var r = e.target.closest(".muted-region");
    if (r) { seek(+r.dataset.mutedStartMs - PREROLL_MS); return; }
    var box = timeline.getBoundingClientRect();
    seek((e.clientX - box.left) / box.width * dur);
  });
  findings.forEach(function (f) {
    f.addEventListener("click", function () { seek(+f.dataset.seekMs - PREROLL_MS); });
  });
  segs.forEach(function (s) {
    s.addEventListener("click", function () { seek(+s.dataset.startMs); });
  });
  // Pointing at a stretch or its row lights up the other, and says why it was muted.
  function link(i, on) {
    regions.concat(findings).forEach(function (e) { if (e.dataset.i === i) e.classList.toggle("hl", on); });
  }
  regions.concat(findings).forEach(function (e) {
    e.addEventListener("mouseenter", function () {
      link(e.dataset.i, true);
      var r = regions.filter(function (x) { return x.dataset.i === e.dataset.i; })[0];
      if (r) now.textContent = describe(r);
    });
    e.addEventListener("mouseleave", function () { link(e.dataset.i, false); lastActive = "-"; update(); });
  });

  if (audio) {
    document.body.dataset.audio = "loading";
    audio.addEventListener("loadedmetadata", function () { document.body.dataset.audio = "ready"; });
    audio.addEventListener("error", function () {
      document.body.dataset.audio = "error";
      now.textContent = "The redacted audio could not be played from here (" + audio.getAttribute("src") + ").";
    });
    // The player may have settled before this script ran.
    if (audio.error) document.body.dataset.audio = "error";
    else if (audio.readyState > 0) document.body.dataset.audio = "ready";
    audio.addEventListener("timeupdate", update);
    audio.addEventListener("seeked", function () { pendingMs = null; update(); });
    // timeupdate fires only a few times a second; follow the frames while playing.
    var tick = function () { update(); if (!audio.paused) requestAnimationFrame(tick); };
    audio.addEventListener("play", function () { requestAnimationFrame(tick); });
  } else {
    document.body.dataset.audio = "none";
  }
  window.addEventListener("resize", draw);
  draw();
  // #t=SECONDS opens the page at that moment, so a reviewer can send a link to it.
  var at = /(?:^|&)t=([0-9.]+)/.exec(location.hash.slice(1));
  if (at) seek(parseFloat(at[1]) * 1000);
  document.body.dataset.regions = String(regions.length);
  document.body.dataset.ok = "1";
})();
