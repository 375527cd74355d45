// With JavaScript the upload controls take over from the browser's own file input (kczg.css)
document.documentElement.classList.add("js");

// kczg: the few behaviours htmx attributes do not cover.
// Confirmations: a form or a submit button with data-confirm asks before it is sent (inline
// onclick handlers are not allowed by the Content-Security-Policy).
document.addEventListener("submit", function (evt) {
  var button = evt.submitter;
  var text = (button && button.dataset.confirm) || evt.target.dataset.confirm;
  if (text && !window.confirm(text)) evt.preventDefault();
}, true);

// Autosave retries: a save that fails (network down, server error) says so and tries again.
(function () {
  var RETRY_MS = 4000;
  var timer = null;

  function status(text, cls) {
    var el = document.getElementById("save-status");
    if (!el) return;
    el.className = "save-status " + cls;
    el.textContent = text;
  }

  function isAutosave(evt) {
    var elt = evt.detail && evt.detail.elt;
    return elt && elt.id === "autosave";
  }

  function retryLater(evt) {
    var xhr = evt && evt.detail && evt.detail.xhr;
    status(xhr && xhr.status === 401
      ? "未保存：登录已失效。请重新登录后刷新本页：内容已暂存在本浏览器，刷新后可恢复并保存。"
      : "未保存：网络或服务器暂时不可用。内容已暂存在本浏览器，正在重试…", "failed");
    clearTimeout(timer);
    timer = setTimeout(function () {
      var box = document.getElementById("autosave");
      if (box) htmx.trigger(box, "kczg:retry");
    }, RETRY_MS);
  }

  document.addEventListener("htmx:sendError", function (evt) { if (isAutosave(evt)) retryLater(evt); });
  document.addEventListener("htmx:responseError", function (evt) { if (isAutosave(evt)) retryLater(evt); });
  document.addEventListener("htmx:timeout", function (evt) { if (isAutosave(evt)) retryLater(evt); });
  document.addEventListener("htmx:beforeRequest", function (evt) {
    if (!isAutosave(evt)) return;
    var mark = document.getElementById("save-status");
    // after a conflict, stop autosaving this stale page (the server kept a copy)
    if (mark && mark.dataset.stop === "1") { evt.preventDefault(); return; }
    status("正在保存…", "saving");
  });
})();

// 终审: how many items are ticked for a batch decision
document.addEventListener("change", function (evt) {
  var box = evt.target;
  if (!box.matches || !box.matches('input[name="batch"][form="batch"]')) return;
  var count = document.getElementById("batch-count");
  if (count) count.textContent = document.querySelectorAll('input[name="batch"][form="batch"]:checked').length;
});

// 评分: the weighted total as the expert types (Σ weight × score / 100); a score outside 0–100
// is marked at its own field at once. A phone's Chinese keyboard types full-width digits
// ("９０"): read as ASCII, as the server does (kczg/parsing.parse_score).
function kczgScore(input) {
  var v = input.value.trim().replace(/[\uff10-\uff19]/g, function (d) {
    return String.fromCharCode(d.charCodeAt(0) - 0xfee0);
  });
  if (v === "") return { empty: true };
  var ok = /^[0-9]{1,3}$/.test(v) && Number(v) <= 100;
  return { ok: ok, value: Number(v) };
}
function kczgScoreTotal() {
  var out = document.getElementById("live-total");
  if (!out) return;
  var inputs = document.querySelectorAll("input[data-weight]");
  var total = 0, filled = 0, wrong = 0;
  inputs.forEach(function (input) {
    var s = kczgScore(input);
    var message = document.getElementById(input.id + "-error");
    if (s.empty || s.ok) {
      input.removeAttribute("aria-invalid");
      if (message) message.textContent = "";
    } else {
      input.setAttribute("aria-invalid", "true");
      if (message && !message.textContent) message.textContent = "应为0到100之间的整数";
      wrong += 1;
    }
    if (s.ok) { total += Number(input.dataset.weight) * s.value / 100; filled += 1; }
  });
  if (wrong) out.textContent = "有分数不在0–100之间";
  else out.textContent = filled ? total.toFixed(2) + (filled < inputs.length ? "（未填完）" : "") : "—";
}
document.addEventListener("input", function (evt) {
  if (evt.target.matches && evt.target.matches("input[data-weight]")) kczgScoreTotal();
});
document.addEventListener("change", function (evt) {
  if (evt.target.matches && evt.target.matches("input[data-weight]")) kczgScoreTotal();
});
document.addEventListener("DOMContentLoaded", kczgScoreTotal);

// A refused submission: the summary of what to change takes the focus (and is announced, being
// role="alert"); each of its links moves the focus to its field, not just the scroll.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();
});
document.addEventListener("click", function (evt) {
  var link = evt.target.closest && evt.target.closest("a[data-focus]");
  if (!link) return;
  var target = document.getElementById(link.dataset.focus);
  if (!target) return;
  evt.preventDefault();
  target.scrollIntoView({block: "center"});
  var input = target.matches("input, select, textarea") ? target
    : target.querySelector("input, select, textarea");
  (input || target).focus();
});

// Character counters on fields with a limit (data-max-chars from the field's MaxChars): the
// count as typed, in the same characters the server counts; over the limit it turns red.
function kczgCount(input) {
  var max = Number(input.dataset.maxChars);
  var id = "count-" + input.id;
  var out = document.getElementById(id);
  if (!out) {
    out = document.createElement("div");
    out.id = id;
    out.className = "char-count";
    out.setAttribute("aria-live", "polite");
    input.insertAdjacentElement("afterend", out);
  }
  var n = Array.from(input.value).length;
  out.textContent = n + "/" + max;
  out.classList.toggle("over", n > max);
}
document.addEventListener("input", function (evt) {
  if (evt.target.dataset && evt.target.dataset.maxChars) kczgCount(evt.target);
});
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("textarea[data-max-chars]").forEach(kczgCount);
});
document.addEventListener("htmx:afterSwap", function () {
  document.querySelectorAll("textarea[data-max-chars]").forEach(function (el) {
    if (!document.getElementById("count-" + el.id)) kczgCount(el);
  });
});

// Phones: the navigation folds behind a 菜单 button (without JavaScript it simply stays open).
document.addEventListener("DOMContentLoaded", function () {
  var button = document.querySelector(".nav-toggle");
  var nav = document.getElementById("site-nav");
  if (!button || !nav) return;
  var small = window.matchMedia("(max-width: 640px)");
  function fold() {
    button.hidden = !small.matches;
    nav.classList.toggle("folded", small.matches && button.getAttribute("aria-expanded") !== "true");
  }
  button.addEventListener("click", function () {
    button.setAttribute("aria-expanded", button.getAttribute("aria-expanded") === "true" ? "false" : "true");
    fold();
  });
  small.addEventListener("change", fold);
  fold();
});

// Upload controls (macros/upload.html): drop a file or choose one, see its name and size,
// remove it, and watch the progress while it uploads (htmx's xhr progress events).
(function () {
  function sizeText(n) {
    return n >= 1048576 ? (n / 1048576).toFixed(1) + " MB" : Math.max(1, Math.round(n / 1024)) + " KB";
  }
  function show(form) {
    var input = form.querySelector(".file-input");
    var info = form.querySelector(".file-info");
    var remove = form.querySelector(".file-remove");
    var file = input.files && input.files[0];
    info.textContent = file ? "已选择：" + file.name + "（" + sizeText(file.size) + "）" : "";
    remove.hidden = !file;
    form.querySelector(".drop-text").firstChild.textContent = file ? "更换文件：拖到此处，或 " : "将文件拖到此处，或 ";
  }
  document.addEventListener("change", function (evt) {
    if (evt.target.classList && evt.target.classList.contains("file-input")) show(evt.target.form);
  });
  document.addEventListener("click", function (evt) {
    if (!evt.target.classList || !evt.target.classList.contains("file-remove")) return;
    var form = evt.target.closest("form");
    form.querySelector(".file-input").value = "";
    show(form);
  });
  ["dragenter", "dragover"].forEach(function (name) {
    document.addEventListener(name, function (evt) {
      var zone = evt.target.closest && evt.target.closest("[data-drop]");
      if (!zone) return;
      evt.preventDefault();
      zone.classList.add("dragging");
    });
  });
  document.addEventListener("dragleave", function (evt) {
    var zone = evt.target.closest && evt.target.closest("[data-drop]");
    if (zone) zone.classList.remove("dragging");
  });
  document.addEventListener("drop", function (evt) {
    var zone = evt.target.closest && evt.target.closest("[data-drop]");
    if (!zone) return;
    evt.preventDefault();
    zone.classList.remove("dragging");
    var input = zone.querySelector(".file-input");
    if (evt.dataTransfer && evt.dataTransfer.files.length) {
      input.files = evt.dataTransfer.files;
      show(zone.closest("form"));
    }
  });
  document.addEventListener("htmx:xhr:progress", function (evt) {
    var form = evt.target.closest && evt.target.closest(".upload-control");
    if (!form || !evt.detail.lengthComputable) return;
    var bar = form.querySelector(".upload-progress");
    var pct = Math.round(evt.detail.loaded / evt.detail.total * 100);
    bar.hidden = false;
    bar.value = pct;
    form.querySelector(".upload-percent").textContent = "正在上传 " + pct + "%";
  });
})();

// The safety net for what is typed on a nomination page: every change is copied into the
// browser (localStorage) at once and the copy dropped only when the server has saved it; a
// page closed or reloaded while a save is pending or has failed asks first; a copy the server
// never got is offered back on the next visit (恢复 posts it as 保存草稿 would).
(function () {
  var form, key, target, changes = 0, sentAt = 0, failed = false, leaving = false, timer = null;

  // what the unit typed: every input a post of the form would send, but the page's own keys
  function values() {
    var out = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || /^(file|hidden|submit|button|reset)$/.test(el.type)) return;
      if ((el.type === "checkbox" || el.type === "radio") && !el.checked) return;
      (out[el.name] = out[el.name] || []).push(el.value);
    });
    return out;
  }
  // the typed values into `post` as hidden inputs, with the page's `keys` (version, editor…)
  function carry(post, fields, keys) {
    var add = function (name, value) {
      var input = document.createElement("input");
      input.type = "hidden"; input.name = name; input.value = value;
      input.dataset.copied = "1";
      post.appendChild(input);
    };
    post.querySelectorAll("input[data-copied]").forEach(function (el) { el.remove(); });
    keys.forEach(function (name) { var el = form.elements[name]; if (el) add(name, el.value); });
    Object.keys(fields).forEach(function (name) {
      fields[name].forEach(function (value) { add(name, value); });
    });
  }
  function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }
  function keep() {
    try {
      localStorage.setItem(key, JSON.stringify({at: Date.now(), fields: values()}));
    } catch (e) { /* storage full or refused: the page still warns before leaving */ }
  }
  function drop() { try { localStorage.removeItem(key); } catch (e) { /* nothing kept */ } }
  function stored() {
    try { return JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }
  function pending() { return changes > sentAt || failed; }

  function offer(copy) {
    var box = document.createElement("div");
    box.id = "local-copy";
    box.className = "flash warning";
    box.setAttribute("role", "alert");
    var when = new Date(copy.at);
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    box.textContent = "本浏览器中保存有 " + (when.getMonth() + 1) + "月" + when.getDate() + "日 " +
      pad(when.getHours()) + ":" + pad(when.getMinutes()) + " 填写、尚未保存到服务器的内容。";
    var restore = document.createElement("button");
    restore.type = "button"; restore.className = "button small"; restore.id = "local-copy-restore";
    restore.textContent = "恢复这些内容";
    var discard = document.createElement("button");
    discard.type = "button"; discard.className = "button small secondary";
    discard.textContent = "丢弃";
    box.appendChild(restore); box.appendChild(discard);
    form.parentNode.insertBefore(box, form);
    restore.addEventListener("click", function () {
      var post = document.createElement("form");
      post.method = "post"; post.action = target; post.hidden = true;
      carry(post, Object.assign({action: ["save"]}, copy.fields), ["csrf_token", "version", "editor"]);
      document.body.appendChild(post);
      leaving = true;
      post.submit();  // saved as typed; the copy is dropped once the page shows the same
    });
    discard.addEventListener("click", function () { drop(); box.remove(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    form = document.getElementById("nomination-form");
    if (!form) return;
    // (form.action would be the buttons named "action": read the attribute)
    target = form.getAttribute("action");
    key = "kczg:unsaved:" + target;
    var copy = stored();
    if (copy && copy.fields) {
      if (same(copy.fields, values())) drop(); else offer(copy);
    }
    form.addEventListener("input", changed);
    form.addEventListener("change", changed);
    form.addEventListener("submit", function () { leaving = true; keep(); });
    // another form that leaves the page (上传Word填报) takes what is typed along, saved first
    document.querySelectorAll("form[data-with-form]").forEach(function (other) {
      other.addEventListener("submit", function (evt) {
        if (evt.defaultPrevented) return;
        carry(other, values(), ["version", "editor"]);  // (its own form has the CSRF token)
        keep();
        leaving = true;
      });
    });
  });
  function changed() {
    changes += 1;
    clearTimeout(timer);
    timer = setTimeout(keep, 150);
  }
  document.addEventListener("htmx:beforeRequest", function (evt) {
    var elt = evt.detail && evt.detail.elt;
    if (form && elt && elt.id === "autosave") {
      evt.detail.requestConfig.kczgChanges = changes;
      clearTimeout(timer); keep();
    }
  });
  document.addEventListener("htmx:afterRequest", function (evt) {
    var elt = evt.detail && evt.detail.elt;
    if (!form || !elt || elt.id !== "autosave") return;
    var xhr = evt.detail.xhr, mark = document.getElementById("save-status");
    var ok = xhr && xhr.status === 200;
    failed = !ok;
    if (ok) {
      sentAt = Math.max(sentAt, evt.detail.requestConfig.kczgChanges || 0);
      if (changes <= sentAt) drop();  // the server has all of it
    } else if (mark && xhr && xhr.status >= 400 && xhr.status < 500 && mark.dataset.partial) {
      // part refused (too long): the rest is saved; the copy stays until a save succeeds
      sentAt = Math.max(sentAt, evt.detail.requestConfig.kczgChanges || 0);
    }
  });
  window.addEventListener("beforeunload", function (evt) {
    if (!form || leaving || !pending()) return;
    keep();
    evt.preventDefault();
    evt.returnValue = "";  // the browser asks: 离开此网站？所做的更改可能未保存
  });
})();

// A confirmation swapped into a section (a scan uploaded) is brought into view where it landed.
document.addEventListener("htmx:afterSettle", function (evt) {
  var note = evt.target.querySelector && evt.target.querySelector("[data-reveal]");
  if (note) note.scrollIntoView({block: "nearest"});
});

// A table wider than the screen scrolls sideways (on a phone): it takes the keyboard focus
// while it does, so that it can be scrolled without a pointer (WCAG 2.1.1); others stay out
// of the tab order.
function kczgScrollables() {
  document.querySelectorAll("table.data, .table-wrap").forEach(function (el) {
    var scrolls = el.scrollWidth > el.clientWidth + 1;
    if (scrolls && !el.hasAttribute("tabindex")) {
      el.setAttribute("tabindex", "0");
      el.dataset.scrollFocus = "1";
    } else if (!scrolls && el.dataset.scrollFocus) {
      el.removeAttribute("tabindex");
      delete el.dataset.scrollFocus;
    }
  });
}
document.addEventListener("DOMContentLoaded", kczgScrollables);
window.addEventListener("resize", kczgScrollables);
document.addEventListener("htmx:afterSwap", kczgScrollables);

// 日程与延期: a name the platform offered for a near miss, picked with one click
document.addEventListener("click", function (evt) {
  var pick = evt.target.closest && evt.target.closest("button.pick-unit");
  if (!pick) return;
  var input = document.getElementById("unit_name");
  if (input) { input.value = pick.dataset.name; input.removeAttribute("aria-invalid"); input.focus(); }
});
