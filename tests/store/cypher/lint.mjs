// Lint Cypher statements with Neo4j's own parser and semantic analysis.
//
// stdin: a JSON list of {name, cypher, dbSchema?}; each statement is linted once per Cypher
// version (5 and 25), with dbSchema (default {}) as the database it will run against.
// stdout: a JSON list of {name, version, severity, message, line, column, parameter}, where
// parameter is true for the "Parameter $x is not defined." notices (the linter cannot know
// the parameters the driver will send). Used by tests/store/test_cypher_lint.py.
import { readFileSync } from 'node:fs';
import { allCypherVersions, isNotParamError, lintCypherQuery } from '@neo4j-cypher/language-support';

const statements = JSON.parse(readFileSync(0, 'utf8'));
const diagnostics = [];
for (const { name, cypher, dbSchema = {} } of statements) {
  for (const version of allCypherVersions) {
    const result = lintCypherQuery(cypher, { ...dbSchema, defaultLanguage: version });
    for (const d of result.diagnostics) {
      diagnostics.push({
        name,
        version,
        severity: d.severity === 1 ? 'error' : d.severity === 2 ? 'warning' : 'info',
        message: d.message,
        line: d.range.start.line + 1,
        column: d.range.start.character + 1,
        parameter: !isNotParamError(d),
      });
    }
  }
}
process.stdout.write(JSON.stringify(diagnostics));
