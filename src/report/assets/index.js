// The calls table: the rows are JSON in the page; this script filters, sorts and pages them,
// building only the rows of the page shown. Cell text is set with textContent, never parsed
// as HTML. The view is kept in the URL's #fragment, so going back from a call page returns to it.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("calls-data").textContent);
  var rows = data.rows, colors = data.colors;
  var $ = function (id) { return document.getElementById(id); };
  var body = $("rows"), fKind = $("f-kind"), fStatus = $("f-status"), fQ = $("f-q"), fSize = $("f-size");
  var view = { kind: "", status: "", q: "", sort: "name", dir: 1, page: 0, size: 50 };

  function readHash() {
    var p = new URLSearchParams(location.hash.slice(1));
    view.kind = p.get("kind") || "";
    view.status = p.get("status") || "";
    view.q = p.get("q") || "";
    view.sort = p.get("sort") || "name";
    view.dir = p.get("dir") === "desc" ? -1 : 1;
    view.page = Math.max(0, parseInt(p.get("page") || "0", 10) || 0);
    view.size = [25, 50, 100, 250].indexOf(+p.get("size")) >= 0 ? +p.get("size") : 50;
    fKind.value = view.kind; fStatus.value = view.status; fQ.value = view.q; fSize.value = String(view.size);
  }
  function writeHash() {
    var p = new URLSearchParams();
    if (view.kind) p.set("kind", view.kind);
    if (view.status) p.set("status", view.status);
    if (view.q) p.set("q", view.q);
    if (view.sort !== "name" || view.dir !== 1) { p.set("sort", view.sort); p.set("dir", view.dir < 0 ? "desc" : "asc"); }
    if (view.page) p.set("page", String(view.page));
    if (view.size !== 50) p.set("size", String(view.size));
    var h = p.toString();
    // Some browsers refuse history changes on file:// pages; the view then just is not kept.
    try { history.replaceState(null, "", h ? "#" + h : location.pathname + location.search); } catch (e) { /* kept in memory only */ }
  }

  var keys = {
    name: function (r) { return r.name; },
    st: function (r) { return r.st; },
    dur: function (r) { return r.dur == null ? -1 : r.dur; },
    share: function (r) { return r.share; },
    n: function (r) { return r.n; },
    at: function (r) { return r.at; }
  };
  function compare(a, b) {
    var k = keys[view.sort] || keys.name, x = k(a), y = k(b);
    if (x < y) return -view.dir;
    if (x > y) return view.dir;
    return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  }
  function clock(ms) {
    if (ms == null) return "";
    var s = Math.floor(ms / 1000), h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60;
    s = s % 60;
    var mm = h ? String(m).padStart(2, "0") : String(m);
    return (h ? h + ":" : "") + mm + ":" + String(s).padStart(2, "0");
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  function statusClass(s) { return s === "redacted" || s === "failed" ? s : "other"; }

  function row(r) {
    var tr = el("tr", "call");
    tr.dataset.fileId = r.id; tr.dataset.name = r.name; tr.dataset.status = r.st;
    if (r.page) tr.dataset.page = r.page;
    var name = el("td", "name");
    if (r.page) { var a = el("a", null, r.name); a.href = r.page; name.appendChild(a); }
    else name.textContent = r.name;
    tr.appendChild(name);
    var st = el("td"); st.appendChild(el("span", "st st-" + statusClass(r.st), r.st)); tr.appendChild(st);
    tr.appendChild(el("td", "num", clock(r.dur)));
    var share = el("td", "share");
    if (r.dur != null) {
      var bar = el("span", "sharebar"), fill = el("i");
      fill.style.width = Math.min(100, r.share * 100).toFixed(1) + "%";
      bar.appendChild(fill); share.appendChild(bar);
      share.appendChild(document.createTextNode((r.share * 100).toFixed(1) + "%"));
    }
    tr.appendChild(share);
    tr.appendChild(el("td", "num", String(r.n)));
    var kinds = el("td", "kinds");
    if (r.err) kinds.appendChild(el("span", "reason", r.err));
    Object.keys(r.k).sort(function (a, b) { return r.k[b] - r.k[a]; }).forEach(function (k) {
      var c = el("span", "chip", k);
      c.style.setProperty("--c", colors[k] || "#666");
      c.title = k + ": " + (r.k[k] / 1000).toFixed(1) + " s muted";
      kinds.appendChild(c);
    });
    tr.appendChild(kinds);
    tr.appendChild(el("td", "when", r.at));
    return tr;
  }

  function render() {
    var q = view.q.toLowerCase();
    var shown = rows.filter(function (r) {
      return (!view.status || r.st === view.status) &&
        (!view.kind || Object.prototype.hasOwnProperty.call(r.k, view.kind)) &&
        (!q || r.name.toLowerCase().indexOf(q) >= 0);
    });
    shown.sort(compare);
    var pages = Math.max(1, Math.ceil(shown.length / view.size));
    view.page = Math.min(view.page, pages - 1);
    var from = view.page * view.size, part = shown.slice(from, from + view.size);
    var frag = document.createDocumentFragment();
    part.forEach(function (r) { frag.appendChild(row(r)); });
    body.textContent = "";
    body.appendChild(frag);
    if (!part.length) {
      var tr = el("tr"), td = el("td", "note", "No call matches these filters.");
      td.colSpan = 7; tr.appendChild(td); body.appendChild(tr);
    }
    $("count").textContent = shown.length === rows.length ? rows.length + " calls" : shown.length + " of " + rows.length + " calls";
    $("pageinfo").textContent = shown.length ? (from + 1) + "\u2013" + (from + part.length) + " of " + shown.length + " \u00b7 page " + (view.page + 1) + " of " + pages : "";
    $("prev").disabled = view.page === 0;
    $("next").disabled = view.page >= pages - 1;
    document.querySelectorAll("th[data-sort]").forEach(function (th) {
      th.classList.toggle("sorted-asc", th.dataset.sort === view.sort && view.dir > 0);
      th.classList.toggle("sorted-desc", th.dataset.sort === view.sort && view.dir < 0);
    });
    writeHash();
  }

  function refilter() {
    view.kind = fKind.value; view.status = fStatus.value; view.q = fQ.value.trim();
    view.size = +fSize.value || 50; view.page = 0; render();
  }
  [fKind, fStatus, fSize].forEach(function (e) { e.addEventListener("change", refilter); });
  fQ.addEventListener("input", refilter);
  $("prev").addEventListener("click", function () { view.page--; render(); });
  $("next").addEventListener("click", function () { view.page++; render(); });
  document.querySelectorAll("th[data-sort]").forEach(function (th) {
    th.addEventListener("click", function () {
      var k = th.dataset.sort;
      // Numbers read best largest first; names and statuses A to Z.
      if (view.sort === k) view.dir = -view.dir;
      else { view.sort = k; view.dir = (k === "name" || k === "st") ? 1 : -1; }
      view.page = 0; render();
    });
  });
  readHash();
  render();
  document.body.dataset.ok = "1";
})();
