/**
 * The one script report.html runs, when it has sessions to replay: the session list (filter,
 * severity select, "show more"), a session's steps rendered on expand, step and finding buttons,
 * copy buttons. It reads its data from the `<script type="application/json" id="oclog-replay">`
 * block and builds every node with createElement + textContent: data never becomes markup, nothing
 * is linkified, nothing is evaluated.
 *
 * It is a constant string so its sha256 can go into the page's Content-Security-Policy
 * (`script-src 'sha256-...'`): the browser runs this exact text and nothing else. It is kept
 * ASCII-only and free of `<script`, `</script` and `<!--` (checked at load) so the hash is
 * the same however the page is encoded, and the inline element cannot be closed early.
 */
import { createHash } from "node:crypto";

// String.raw keeps the backslashes of the regular expressions and \u escapes as the browser must
// see them. No backticks or dollar-brace inside: this is a template literal.
export const REPORT_SCRIPT = String.raw`
(function () {
  "use strict";
  var source = document.getElementById("oclog-replay");
  var list = document.getElementById("sessions-list");
  if (!source || !list) return;
  var data = JSON.parse(source.textContent || "{}");
  var sessions = Array.isArray(data.sessions) ? data.sessions : [];
  var steps = data.steps && typeof data.steps === "object" ? data.steps : {};
  var findings = Array.isArray(data.findings) ? data.findings : [];
  var SEVERITIES = ["critical", "high", "medium", "low", "informational"];
  var PAGE = 200;
  var filterInput = document.getElementById("sessions-filter");
  var severitySelect = document.getElementById("sessions-severity");
  var countLine = document.getElementById("sessions-count");
  var moreButton = document.getElementById("sessions-more");

  // Session ids and step numbers are log text: look them up in Maps, never as object keys or selectors.
  var has = function (object, key) { return Object.prototype.hasOwnProperty.call(object, key); };
  var stepsOf = function (id) { return has(steps, id) && Array.isArray(steps[id]) ? steps[id] : null; };
  var indexById = new Map();
  sessions.forEach(function (s, i) { if (!indexById.has(s.sessionId)) indexById.set(s.sessionId, i); });
  var pinsAt = new Map();
  (Array.isArray(data.pins) ? data.pins : []).forEach(function (pin) {
    if (!pinsAt.has(pin.sessionId)) pinsAt.set(pin.sessionId, new Map());
    var bySteps = pinsAt.get(pin.sessionId);
    if (!bySteps.has(pin.stepNo)) bySteps.set(pin.stepNo, []);
    bySteps.get(pin.stepNo).push(pin);
  });

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function clip(text, max) {
    var flat = String(text === null || text === undefined ? "" : text).replace(/\s+/g, " ").trim();
    return flat.length > max ? flat.slice(0, max - 1) + "\u2026" : flat;
  }
  function severityOf(value) { return SEVERITIES.indexOf(value) >= 0 ? value : "none"; }
  function badge(severity) { var s = severityOf(severity); return el("span", "badge sev-" + s, s); }
  function button(className, label, copyText) {
    var b = el("button", className, label);
    b.type = "button";
    if (copyText !== undefined) b.dataset.copy = copyText;
    return b;
  }
  function duration(ms) {
    if (ms === null || ms === undefined) return "";
    return ms < 1000 ? ms + " ms" : (ms / 1000).toFixed(1) + " s";
  }

  // --- copying: the Clipboard API where the page may use it, else a selected textarea ---
  function flash(target, label) {
    var before = target.dataset.label || target.textContent;
    target.dataset.label = before;
    target.textContent = label;
    setTimeout(function () { target.textContent = before; }, 1200);
  }
  function copyByTextarea(text, target) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    area.remove();
    flash(target, ok ? "copied" : "copy failed");
  }
  function copy(text, target) {
    if (navigator.clipboard && typeof navigator.clipboard.writeText === "function") {
      navigator.clipboard.writeText(text).then(function () { flash(target, "copied"); }, function () { copyByTextarea(text, target); });
    } else copyByTextarea(text, target);
  }

  // --- one session's replay, built when it is first opened ---
  var stepRows = new Map();
  function textBlock(label, value, withCopy) {
    var text = String(value);
    var long = text.length > 240 || text.split("\n").length > 4;
    var box;
    if (long) {
      box = el("details", "long");
      box.appendChild(el("summary", null, label + ": " + clip(text, 120)));
    } else {
      box = el("div", "field");
      box.appendChild(el("span", "label", label));
    }
    box.appendChild(el("pre", null, text));
    if (withCopy) box.appendChild(button("copy", "copy " + label, text));
    return box;
  }
  function stepRow(sessionId, step) {
    var row = el("tr", "step kind-" + (/^[a-z_]+$/.test(step.kind) ? step.kind : "other"));
    row.dataset.step = String(step.stepNo);
    row.appendChild(el("td", "num", step.stepNo));
    row.appendChild(el("td", "short", step.time));
    row.appendChild(el("td", "short", step.kind));
    var call = el("td", "short");
    if (step.tool) call.appendChild(el("div", "tool", step.tool));
    if (step.status) call.appendChild(el("div", "status status-" + (/^[a-z ]+$/.test(step.status) ? step.status.replace(/ /g, "-") : "other"), step.status));
    if (step.durationMs !== null && step.durationMs !== undefined) call.appendChild(el("div", "note", duration(step.durationMs)));
    if (step.decision) call.appendChild(el("div", "decision", step.decision));
    row.appendChild(call);
    var detail = el("td", "long");
    if (step.arguments) detail.appendChild(textBlock("arguments", step.arguments, true));
    if (step.result) detail.appendChild(textBlock("result", step.result, false));
    if (step.text) detail.appendChild(textBlock("text", step.text, false));
    row.appendChild(detail);
    var marks = el("td", "findings");
    var pins = pinsAt.has(sessionId) ? pinsAt.get(sessionId).get(step.stepNo) || [] : [];
    pins.forEach(function (pin) {
      var line = el("div", "pin");
      line.appendChild(badge(pin.severity));
      line.appendChild(el("span", "pin-title", " " + pin.title + (pin.role === "cause" ? " (cause)" : "")));
      var finding = findings[pin.finding];
      if (finding && typeof finding.anchor === "number") {
        var go = button("goto-finding", "finding #" + finding.anchor);
        go.dataset.anchor = String(finding.anchor);
        line.appendChild(go);
      }
      marks.appendChild(line);
    });
    if (pins.length > 0) row.classList.add("pinned");
    row.appendChild(marks);
    var where = el("td", "where");
    var ref = step.blob + ":" + step.line;
    where.appendChild(el("code", null, ref));
    where.appendChild(button("copy", "copy", ref));
    row.appendChild(where);
    return row;
  }
  function renderReplay(box, session) {
    if (box.dataset.rendered) return;
    box.dataset.rendered = "1";
    var body = el("div", "session-body");
    var facts = [
      "session " + session.sessionId,
      "ended " + session.ended,
      session.toolCalls + " tool calls",
      session.findings + " findings",
      session.blobs + " blobs over " + session.days + " days",
    ];
    if (!session.hasTranscript) facts.push("no transcript: known from the gateway log only");
    body.appendChild(el("p", "note", facts.join(" \u00b7 ")));
    var stepList = stepsOf(session.sessionId);
    if (!stepList) {
      var missing = el("p", "empty");
      missing.appendChild(document.createTextNode("Steps not embedded in this report: replay with "));
      missing.appendChild(el("code", null, "oclog session " + (data.caseId || "<case>") + " " + session.sessionId));
      missing.appendChild(button("copy", "copy", "oclog session " + (data.caseId || "<case>") + " " + session.sessionId));
      body.appendChild(missing);
    } else {
      var table = el("table", "steps");
      var head = el("tr");
      ["#", "time", "kind", "call", "details", "findings", "where"].forEach(function (h) { head.appendChild(el("th", null, h)); });
      table.appendChild(el("thead")).appendChild(head);
      var tbody = el("tbody");
      var rows = new Map();
      stepList.forEach(function (step) {
        var row = stepRow(session.sessionId, step);
        rows.set(step.stepNo, row);
        tbody.appendChild(row);
      });
      stepRows.set(session.sessionId, rows);
      table.appendChild(tbody);
      var scroll = el("div", "scroll");
      scroll.appendChild(table);
      body.appendChild(scroll);
    }
    box.appendChild(body);
  }

  // --- the list: filter, severity, first PAGE matches, "show more" ---
  var rowsById = new Map();
  var matches = [];
  var limit = PAGE;
  var haystacks = null;
  function haystack() {
    if (haystacks) return haystacks;
    haystacks = sessions.map(function (s) {
      var parts = [s.sessionId, s.firstPrompt || "", (s.tools || []).join(" "), s.agentId || "", s.user || "", s.host || ""];
      (stepsOf(s.sessionId) || []).forEach(function (step) { parts.push(step.tool || "", step.arguments || "", step.text || ""); });
      return parts.join("\n").toLowerCase();
    });
    return haystacks;
  }
  function sessionRow(session) {
    var box = el("details", "session sev-" + severityOf(session.worst));
    box.dataset.session = session.sessionId;
    var summary = el("summary");
    summary.appendChild(badge(session.worst));
    summary.appendChild(el("span", "s-start", session.started));
    summary.appendChild(el("span", "s-agent", session.agentId || "-"));
    summary.appendChild(el("span", "s-who", (session.user || "?") + "@" + (session.host || "?")));
    summary.appendChild(el("span", "s-steps", session.steps + " steps"));
    summary.appendChild(el("span", "s-tools", clip((session.tools || []).join(", "), 80)));
    summary.appendChild(el("span", "s-prompt", clip(session.firstPrompt || "(no prompt)", 160)));
    box.appendChild(summary);
    box.addEventListener("toggle", function () { if (box.open) renderReplay(box, session); });
    return box;
  }
  function appendRows(from) {
    var end = Math.min(limit, matches.length);
    var fragment = document.createDocumentFragment();
    for (var k = from; k < end; k++) {
      var session = sessions[matches[k]];
      var row = sessionRow(session);
      if (!rowsById.has(session.sessionId)) rowsById.set(session.sessionId, row);
      fragment.appendChild(row);
    }
    list.appendChild(fragment);
    countLine.textContent = matches.length + " of " + sessions.length + " sessions" + (end < matches.length ? ", showing the first " + end : "");
    moreButton.hidden = end >= matches.length;
  }
  // A render for the filter already shown is skipped, and any render cancels a pending
  // debounced one: a late one would rebuild the list and close the session just opened.
  var applied = null;
  function applyFilter() {
    clearTimeout(timer);
    var query = filterInput.value.trim().toLowerCase();
    var severity = severitySelect.value;
    if (applied === query + "\u0000" + severity) return;
    applied = query + "\u0000" + severity;
    var texts = query ? haystack() : null;
    matches = [];
    for (var i = 0; i < sessions.length; i++) {
      if (severity !== "any" && severityOf(sessions[i].worst) !== severity) continue;
      if (texts && texts[i].indexOf(query) < 0) continue;
      matches.push(i);
    }
    limit = PAGE;
    rowsById.clear();
    stepRows.clear();
    list.replaceChildren();
    appendRows(0);
  }

  // --- going to a step: open its session (clearing the filter if it hides it) and scroll there ---
  var highlighted = null;
  function openStep(sessionId, stepNo) {
    if (!indexById.has(sessionId)) return;
    if (!rowsById.has(sessionId)) {
      filterInput.value = "";
      severitySelect.value = "any";
      applyFilter();
      var position = matches.indexOf(indexById.get(sessionId));
      if (position >= limit) {
        var from = limit;
        limit = position + 1;
        appendRows(from);
      }
    }
    var box = rowsById.get(sessionId);
    if (!box) return;
    box.open = true;
    renderReplay(box, sessions[indexById.get(sessionId)]);
    var rows = stepRows.get(sessionId);
    var target = (rows && rows.get(stepNo)) || box;
    if (highlighted) highlighted.classList.remove("highlight");
    target.classList.add("highlight");
    highlighted = target;
    target.scrollIntoView({ block: "center" });
  }
  function openFinding(anchor) {
    var finding = document.getElementById("finding-" + anchor);
    if (!finding) return;
    finding.open = true;
    finding.scrollIntoView({ block: "start" });
  }

  var timer = 0;
  filterInput.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(applyFilter, 120);
  });
  severitySelect.addEventListener("change", applyFilter);
  moreButton.addEventListener("click", function () {
    var from = Math.min(limit, matches.length);
    limit += PAGE;
    appendRows(from);
  });
  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target.closest("button") : null;
    if (!target) return;
    if (target.classList.contains("goto-step")) openStep(target.dataset.session || "", Number(target.dataset.step));
    else if (target.classList.contains("goto-finding")) openFinding(target.dataset.anchor || "");
    else if (target.classList.contains("copy")) copy(target.dataset.copy || "", target);
  });
  applyFilter();
})();
`;

for (const forbidden of [/<script/i, /<\/script/i, /<!--/]) {
  if (forbidden.test(REPORT_SCRIPT)) throw new Error(`the report script must not contain ${forbidden.source}`);
}
// eslint-disable-next-line no-control-regex
if (/[^\x09\x0a\x0d\x20-\x7e]/.test(REPORT_SCRIPT)) throw new Error("the report script must be ASCII");

/** The CSP source allowing exactly {@link REPORT_SCRIPT}: `'sha256-<base64>'`. */
export const REPORT_SCRIPT_HASH = `'sha256-${createHash("sha256").update(REPORT_SCRIPT, "utf8").digest("base64")}'`;
