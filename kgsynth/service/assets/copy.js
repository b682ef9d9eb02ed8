// Copies the pinned front-end files from node_modules (installed by `npm ci` from
// package-lock.json) into kgsynth/service/static/vendor, so the Python package ships them and
// no page loads anything from a CDN. Run: npm ci && npm run vendor (in this folder).
"use strict";
const fs = require("fs");
const path = require("path");

const target = path.join(__dirname, "..", "static", "vendor");
const files = {
  "htmx.min.js": "htmx.org/dist/htmx.min.js",
  "sse.min.js": "htmx-ext-sse/dist/sse.min.js",
  "cytoscape.min.js": "cytoscape/dist/cytoscape.min.js",
};
fs.mkdirSync(target, { recursive: true });
const versions = {};
for (const [name, source] of Object.entries(files)) {
  const pkg = source.split("/")[0];
  fs.copyFileSync(path.join(__dirname, "node_modules", source), path.join(target, name));
  versions[pkg] = require(path.join(__dirname, "node_modules", pkg, "package.json")).version;
}
fs.writeFileSync(path.join(target, "versions.json"), JSON.stringify(versions, null, 2) + "\n");
console.log(`copied ${Object.keys(files).length} files to ${target}: ${JSON.stringify(versions)}`);
