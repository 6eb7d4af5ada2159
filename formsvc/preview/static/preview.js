// formsvc preview page: load or paste a case, validate it, preview letter, application and EDA file.
// Plain JavaScript, no external resources. The API key lives in sessionStorage only.
"use strict";

const CP850_HIGH = "\u00c7\u00fc\u00e9\u00e2\u00e4\u00e0\u00e5\u00e7\u00ea\u00eb\u00e8\u00ef\u00ee\u00ec\u00c4\u00c5\u00c9\u00e6\u00c6\u00f4\u00f6\u00f2\u00fb\u00f9\u00ff\u00d6\u00dc\u00f8\u00a3\u00d8\u00d7\u0192\u00e1\u00ed\u00f3\u00fa\u00f1\u00d1\u00aa\u00ba\u00bf\u00ae\u00ac\u00bd\u00bc\u00a1\u00ab\u00bb\u2591\u2592\u2593\u2502\u2524\u00c1\u00c2\u00c0\u00a9\u2563\u2551\u2557\u255d\u00a2\u00a5\u2510\u2514\u2534\u252c\u251c\u2500\u253c\u00e3\u00c3\u255a\u2554\u2569\u2566\u2560\u2550\u256c\u00a4\u00f0\u00d0\u00ca\u00cb\u00c8\u0131\u00cd\u00ce\u00cf\u2518\u250c\u2588\u2584\u00a6\u00cc\u2580\u00d3\u00df\u00d4\u00d2\u00f5\u00d5\u00b5\u00fe\u00de\u00da\u00db\u00d9\u00fd\u00dd\u00af\u00b4\u00ad\u00b1\u2017\u00be\u00b6\u00a7\u00f7\u00b8\u00b0\u00a8\u00b7\u00b9\u00b3\u00b2\u25a0\u00a0";

const LABELS = {
  creditor: "1. Antragsteller", co_creditor: "2. Antragsteller", debtors: "Antragsgegner", claims: "Hauptforderung",
  costs: "Nebenforderungen", assignment: "Abtretung", attorney: "Prozessbevollmächtigter", courts: "Gerichte",
  dunning: "Mahngericht", trial: "Prozessgericht", letter: "Mahnschreiben", representatives: "Vertreter",
  address: "Anschrift", salutation: "Anrede", title: "Titel", first_name: "Vorname", last_name: "Nachname",
  name: "Name", street: "Straße", postal_code: "PLZ", city: "Ort", country: "Land", extra: "Adresszusatz",
  type: "Art", role: "Stellung", birth_date: "Geburtsdatum", is_consumer: "Verbraucher", bank_account: "Bankverbindung",
  iban: "IBAN", bic: "BIC", holder: "Kontoinhaber", catalog_no: "Katalog-Nr.", contract_type: "Vertragsart",
  object: "Objekt", other_claim: "Sonstiger Anspruch", description: "Bezeichnung", document_no: "Rechnungs-Nr.",
  date: "Datum", period_end: "Datum bis", due_date: "Fälligkeit", amount: "Betrag", paid: "gezahlt",
  interest: "Zinsen", rate: "Zinssatz", above_base_rate: "über Basiszins", mode: "Zinsart", principal: "Zinsbetrag",
  from: "Zinsen ab", until: "Zinsen bis", case_id: "Fall-ID", reference: "Geschäftszeichen", language: "Sprache",
  jointly_liable: "Gesamtschuldner", contested_proceedings: "streitiges Verfahren", application_date: "Antragsdatum",
  kind: "Art", expenses: "Auslagen", dunning_fee: "Mahnkosten", previous_creditor: "Altgläubiger",
  tone: "Ton", level: "Stufe", deadline_days: "Frist (Tage)", fee: "Gebühr", email: "E-Mail", phone: "Telefon",
  vat_id: "USt-IdNr.", register: "Handelsregister", consumer_credit: "Verbraucherdarlehen", label: "Bezeichnung",
};

const $ = (id) => document.getElementById(id);
let lastCase = null;

function apiKey() { return sessionStorage.getItem("formsvc-api-key") || ""; }

async function api(path, { method = "GET", body = null } = {}) {
  const headers = { "Accept-Language": $("msg-lang").value };
  if (body !== null) headers["Content-Type"] = "application/json";
  const key = apiKey();
  if (key) headers["Authorization"] = "Bearer " + key;
  return fetch(path, { method, headers, body });
}

function readCase() {
  const text = $("case-json").value.trim();
  if (!text) throw new Error("Bitte zuerst einen Fall laden, einfügen oder hochladen.");
  try { JSON.parse(text); } catch (err) { throw new Error("Kein gültiges JSON: " + err.message); }
  lastCase = JSON.parse(text);
  return text;
}

function label(path) {
  const parts = path.split("/").slice(1);
  const out = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (/^\d+$/.test(part)) { out[out.length - 1] = (Number(part) + 1) + ". " + out[out.length - 1]; continue; }
    out.push(LABELS[part] || part);
  }
  return out.join(" › ") || "Fall";
}

function flatten(value, path, rows) {
  if (value !== null && typeof value === "object") {
    const keys = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
    if (keys.length === 0) rows.push({ path, value: Array.isArray(value) ? "[]" : "{}" });
    for (const key of keys) flatten(value[key], path + "/" + String(key).replace(/~/g, "~0").replace(/\//g, "~1"), rows);
  } else {
    rows.push({ path, value: value === null ? "null" : String(value) });
  }
  return rows;
}

function attach(rows, objections) {
  for (const ob of objections) {
    let row = rows.find((r) => r.path === ob.path)
      || rows.find((r) => r.path.startsWith(ob.path + "/"));
    if (!row) {
      // a missing key: show it as its own row, after the last row of its parent
      const parent = ob.path.slice(0, ob.path.lastIndexOf("/"));
      let at = -1;
      rows.forEach((r, i) => { if (r.path === parent || r.path.startsWith(parent + "/")) at = i; });
      row = { path: ob.path, value: null, missing: true };
      rows.splice(at + 1, 0, row);
    }
    (row.objections = row.objections || []).push(ob);
  }
}

function renderOutline(caseObj, errors, warnings) {
  const rows = caseObj && typeof caseObj === "object" ? flatten(caseObj, "", []) : [];
  attach(rows, errors.map((e) => ({ ...e, level: "error" })).concat(warnings.map((w) => ({ ...w, level: "warning" }))));
  const body = $("outline").querySelector("tbody");
  body.replaceChildren();
  for (const row of rows) {
    const tr = document.createElement("tr");
    tr.dataset.path = row.path;
    const levels = (row.objections || []).map((o) => o.level);
    if (levels.includes("error")) tr.className = "has-error"; else if (levels.length) tr.className = "has-warning";
    const name = document.createElement("td");
    name.textContent = label(row.path);
    const small = document.createElement("div");
    small.className = "path"; small.textContent = row.path;
    name.append(small);
    const val = document.createElement("td");
    if (row.missing) { val.textContent = "(fehlt)"; val.className = "missing"; } else val.textContent = row.value;
    const obs = document.createElement("td");
    obs.className = "objections";
    for (const ob of row.objections || []) {
      const span = document.createElement("span");
      span.className = "objection " + ob.level;
      const code = document.createElement("span");
      code.className = "code"; code.textContent = ob.code + " ";
      span.append(code, document.createTextNode(ob.message));
      obs.append(span);
    }
    tr.append(name, val, obs);
    if (row.objections) tr.id = "row-" + rowIds++;
    body.append(tr);
  }
}

let rowIds = 0;

function summarise(objections) {
  // a short list above the outline; each entry jumps to the row it concerns
  const list = document.createElement("ul");
  list.className = "summary";
  for (const ob of objections) {
    const row = Array.from(document.querySelectorAll("#outline tbody tr")).find((tr) =>
      Array.from(tr.querySelectorAll(".objection .code")).some((c) => c.textContent.trim() === ob.code));
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = row ? "#" + row.id : "#outline";
    link.textContent = label(ob.path) + ": " + ob.message;
    item.append(link);
    list.append(item);
  }
  return list;
}

async function validate() {
  const verdict = $("verdict");
  let text;
  try { text = readCase(); } catch (err) { verdict.className = "verdict error"; verdict.textContent = err.message; renderOutline(null, [], []); return; }
  const response = await api("/v1/validate?for=" + $("profile").value, { method: "POST", body: text });
  const data = await response.json().catch(() => ({}));
  if (response.status === 200) {
    const w = data.warnings || [];
    verdict.className = "verdict ok";
    verdict.textContent = "Keine Beanstandungen" + (w.length ? " – " + w.length + " Hinweis(e)" : "") + ".";
    renderOutline(lastCase, [], w);
  } else if (response.status === 422) {
    const n = (data.errors || []).length;
    verdict.className = "verdict bad";
    verdict.textContent = n + (n === 1 ? " Beanstandung" : " Beanstandungen") + " – das Gericht würde diesen Fall zurückweisen.";
    renderOutline(lastCase, data.errors || [], data.warnings || []);
    verdict.append(summarise((data.errors || []).concat(data.warnings || [])));
  } else {
    verdict.className = "verdict error";
    verdict.textContent = problemText(response, data);
  }
}

function problemText(response, data) {
  if (response.status === 401) return "API-Schlüssel fehlt oder ist falsch (oben eintragen).";
  return (data.title || ("Fehler " + response.status)) + (data.detail ? ": " + data.detail : "");
}

function filenameOf(response, fallback) {
  const match = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "");
  return match ? match[1] : fallback;
}

const urls = {};
function showBlob(slot, blob, frameId, linkId, filename) {
  if (urls[slot]) URL.revokeObjectURL(urls[slot]);
  urls[slot] = URL.createObjectURL(blob);
  if (frameId) { $(frameId).removeAttribute("srcdoc"); $(frameId).src = urls[slot]; }
  const link = $(linkId);
  link.href = urls[slot]; link.download = filename; link.hidden = false;
}

async function renderDoc(path, statusId, onOk) {
  const status = $(statusId);
  let text;
  try { text = readCase(); } catch (err) { status.className = "status bad"; status.textContent = err.message; return; }
  status.className = "status"; status.textContent = "wird erzeugt …";
  const response = await api(path, { method: "POST", body: text });
  if (response.ok) {
    await onOk(response);
    const warnings = response.headers.get("Formsvc-Warnings");
    status.textContent = "fertig" + (warnings && warnings !== "[]" ? " – Hinweise: " + warnings : "");
    return;
  }
  const data = await response.json().catch(() => ({}));
  status.className = "status bad";
  if (response.status === 422) {
    status.textContent = (data.errors || []).length + " Beanstandung(en) – siehe Fallübersicht; nichts wurde erzeugt.";
    renderOutline(lastCase, data.errors || [], data.warnings || []);
  } else {
    status.textContent = problemText(response, data);
  }
}

function letterQuery(format) {
  const q = new URLSearchParams({ tone: $("tone").value, level: $("level").value, language: $("language").value, format });
  return "/v1/render/letter?" + q.toString();
}

let letterMode = null;
async function letterHtml() {
  letterMode = "html";
  await renderDoc(letterQuery("html"), "letter-status", async (response) => {
    const html = await response.text();
    $("letter-frame").removeAttribute("src");
    $("letter-frame").srcdoc = html;
  });
}
async function letterPdf() {
  letterMode = "pdf";
  await renderDoc(letterQuery("pdf"), "letter-status", async (response) => {
    showBlob("letter", await response.blob(), "letter-frame", "letter-download", filenameOf(response, "mahnschreiben.pdf"));
  });
}
async function antragPdf() {
  await renderDoc("/v1/render/mahnantrag", "antrag-status", async (response) => {
    showBlob("antrag", await response.blob(), "antrag-frame", "antrag-download", filenameOf(response, "mahnantrag.pdf"));
  });
}
function decodeCp850(bytes) {
  let out = "";
  for (const b of bytes) out += b < 128 ? String.fromCharCode(b) : CP850_HIGH[b - 128];
  return out;
}
async function edaShow() {
  await renderDoc("/v1/render/eda?preview=true", "eda-status", async (response) => {
    const buffer = await response.arrayBuffer();
    $("eda-text").textContent = decodeCp850(new Uint8Array(buffer)).split("\r\n").join("\n");
    showBlob("eda", new Blob([buffer], { type: "application/octet-stream" }), null, "eda-download",
             filenameOf(response, "vorschau.EDA"));
  });
}

function setupTabs() {
  const tabs = Array.from(document.querySelectorAll("[role=tab]"));
  function select(tab) {
    for (const t of tabs) {
      const on = t === tab;
      t.setAttribute("aria-selected", String(on));
      t.tabIndex = on ? 0 : -1;
      $(t.getAttribute("aria-controls")).hidden = !on;
    }
    tab.focus();
  }
  tabs.forEach((tab, i) => {
    tab.addEventListener("click", () => select(tab));
    tab.addEventListener("keydown", (ev) => {
      if (ev.key === "ArrowRight") select(tabs[(i + 1) % tabs.length]);
      if (ev.key === "ArrowLeft") select(tabs[(i - 1 + tabs.length) % tabs.length]);
    });
  });
}

async function loadSamples() {
  const select = $("sample");
  const response = await api("/v1/samples");
  if (!response.ok) { $("verdict").className = "verdict error"; $("verdict").textContent = problemText(response, await response.json().catch(() => ({}))); return; }
  const samples = await response.json();
  const groups = { valid: "Gültige Beispielfälle", invalid: "Fehlerhafte Beispielfälle (je eine Beanstandung)" };
  for (const kind of Object.keys(groups)) {
    const group = document.createElement("optgroup");
    group.label = groups[kind];
    for (const s of samples.filter((x) => x.kind === kind)) {
      const option = document.createElement("option");
      option.value = kind + "/" + s.name; option.textContent = s.title;
      group.append(option);
    }
    if (group.children.length) select.append(group);
  }
}

function syncPickers() {
  // start the letter pickers from what the case itself asks for
  try {
    const c = JSON.parse($("case-json").value);
    const letter = (c && c.letter) || {};
    if (letter.tone) $("tone").value = letter.tone;
    if (letter.level) $("level").value = String(letter.level);
    if (c && c.language && $("language").querySelector('option[value="' + c.language.slice(0, 2) + '"]')) $("language").value = c.language.slice(0, 2);
  } catch (err) { /* invalid JSON is reported by validate() */ }
}

async function pickSample() {
  const value = $("sample").value;
  if (!value) return;
  const response = await api("/v1/samples/" + value);
  if (!response.ok) return;
  $("case-json").value = JSON.stringify(await response.json(), null, 2);
  syncPickers();
  await validate();
}

document.addEventListener("DOMContentLoaded", () => {
  setupTabs();
  $("api-key").value = apiKey();
  $("key-state").textContent = apiKey() ? "Schlüssel gesetzt" : "";
  $("key-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    sessionStorage.setItem("formsvc-api-key", $("api-key").value.trim());
    $("key-state").textContent = $("api-key").value.trim() ? "Schlüssel gesetzt" : "kein Schlüssel";
    $("sample").querySelectorAll("optgroup").forEach((g) => g.remove());
    loadSamples();
  });
  $("sample").addEventListener("change", pickSample);
  $("upload").addEventListener("change", async () => {
    const file = $("upload").files[0];
    if (!file) return;
    $("case-json").value = await file.text();
    syncPickers();
    await validate();
  });
  $("validate").addEventListener("click", validate);
  $("msg-lang").addEventListener("change", validate);
  $("profile").addEventListener("change", validate);
  $("letter-html").addEventListener("click", letterHtml);
  $("letter-pdf").addEventListener("click", letterPdf);
  for (const id of ["tone", "level", "language"]) {
    $(id).addEventListener("change", () => { if (letterMode === "html") letterHtml(); else if (letterMode === "pdf") letterPdf(); });
  }
  $("antrag-pdf").addEventListener("click", antragPdf);
  $("eda-show").addEventListener("click", edaShow);
  loadSamples();
});
