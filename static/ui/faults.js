// An endpoint's fault rules on the page (README "Fault rules"): the table, and the form that adds one
// through POST /_launch_local/endpoints/{id}/faults; remove and clear call the same control API.
import { h } from "./render.js";
import { api } from "./session.js";

const $ = (id) => document.getElementById(id);
const faultsOf = (endpointId) => `/_launch_local/endpoints/${encodeURIComponent(endpointId)}/faults`;

function detailOf(rule) {
  if (rule.kind === "fail") return `HTTP ${rule.status_code}`;
  if (rule.kind === "latency") return `+${rule.latency_ms} ms`;
  return "SIGKILL";
}

/** One row per live rule; `act` runs a request and refreshes (its errors go to the form's line). */
export function faultRows(endpointId, rules, act) {
  return rules.map((rule) =>
    h(
      "tr",
      { dataset: { id: rule.id, kind: rule.kind } },
      h("td", {}, rule.kind),
      h("td", { class: "detail" }, detailOf(rule)),
      h("td", { class: "remaining" }, rule.remaining ?? "until cleared"),
      h("td", { class: "applied" }, rule.applied),
      h("td", {}, rule.probability),
      h("td", {}, h("button", { type: "button", class: "link", onclick: () => act(api("DELETE", `${faultsOf(endpointId)}/${encodeURIComponent(rule.id)}`)) }, "remove")),
    ),
  );
}

/** The rule the form describes, in the control API's shape (fields of other kinds left out). */
function ruleOfForm() {
  const kind = $("fault-kind").value;
  const rule = { kind, probability: Number($("fault-probability").value || 1) };
  if ($("fault-until-cleared").checked) rule.until_cleared = true;
  else if ($("fault-count").value !== "") rule.count = Number($("fault-count").value);
  if (kind === "fail") rule.status_code = Number($("fault-status").value || 500);
  if (kind === "latency") rule.latency_ms = Number($("fault-latency").value || 250);
  return rule;
}

function showFieldsOf(kind) {
  for (const field of $("fault-form").querySelectorAll("[data-kind]")) field.hidden = field.dataset.kind !== kind;
}

/** Wires the form to the selected endpoint (`selected()` gives its id or null). */
export function wireFaultForm(selected, act) {
  $("fault-kind").addEventListener("change", () => showFieldsOf($("fault-kind").value));
  $("fault-until-cleared").addEventListener("change", () => ($("fault-count").disabled = $("fault-until-cleared").checked));
  showFieldsOf($("fault-kind").value);
  $("fault-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const endpointId = selected();
    if (endpointId) act(api("POST", faultsOf(endpointId), ruleOfForm()));
  });
  $("fault-clear").addEventListener("click", () => {
    const endpointId = selected();
    if (endpointId) act(api("DELETE", faultsOf(endpointId)));
  });
}
