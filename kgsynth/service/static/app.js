// kgsynth serve: the only script of our own (no inline scripts: the CSP forbids them).
// Draws the graph view with cytoscape.js and expands a node's neighbours on click.
"use strict";

function kgsynthGraph(container) {
  const graph = container.dataset.graph;
  const status = document.getElementById("graph-status");
  const cy = cytoscape({
    container: container,
    style: [
      { selector: "node", style: { "label": "data(name)", "font-size": 10, "background-color": "#2357a5",
                                   "width": 14, "height": 14, "color": "#1d232b" } },
      { selector: "node.centre", style: { "background-color": "#b42318", "width": 20, "height": 20 } },
      { selector: "node.expanded", style: { "border-width": 2, "border-color": "#1a7f37" } },
      { selector: "edge", style: { "label": "data(predicate)", "font-size": 8, "width": 1.2,
                                   "curve-style": "bezier", "target-arrow-shape": "triangle",
                                   "line-color": "#9aa5b1", "target-arrow-color": "#9aa5b1" } },
    ],
    wheelSensitivity: 0.3,
  });
  window.kgsynthGraph = cy;  // for the browser tests: node positions to click

  function expand(entityId) {
    const url = `/api/v1/graphs/${encodeURIComponent(graph)}/neighbourhood?entity=${encodeURIComponent(entityId)}`;
    return fetch(url, { headers: { "accept": "application/json" } })
      .then((r) => r.ok ? r.json() : r.json().then((b) => Promise.reject(new Error(b.detail))))
      .then((data) => {
        const added = [];
        for (const n of data.nodes) {
          if (cy.getElementById(n.id).empty()) added.push({ group: "nodes", data: n });
        }
        for (const e of data.edges) {
          if (cy.getElementById(e.id).empty()) added.push({ group: "edges", data: e });
        }
        cy.add(added);
        cy.getElementById(entityId).addClass("expanded");
        cy.layout({ name: "cose", animate: false, randomize: false, fit: true }).run();
        container.dataset.nodes = String(cy.nodes().length);
        status.textContent = `${cy.nodes().length} entities, ${cy.edges().length} relations` +
          (data.capped ? " (some neighbours left out: click a node to expand it)" : "");
      })
      .catch((err) => { status.textContent = `Error: ${err.message}`; });
  }

  expand(container.dataset.entity).then(() => cy.getElementById(container.dataset.entity).addClass("centre"));
  cy.on("tap", "node", (event) => expand(event.target.id()));
}

document.addEventListener("DOMContentLoaded", () => {
  const container = document.getElementById("cy");
  if (container && window.cytoscape) kgsynthGraph(container);
  const evidence = document.getElementById("evidence");
  if (evidence) evidence.scrollIntoView({ block: "center" });
});
