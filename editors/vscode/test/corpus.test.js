// Every .isms file of the repository (the examples, the standard library, the passing test
// fixtures) highlighted with the grammar: no token is marked invalid, no visible text is left
// without a scope, and every item and nested block keyword is recognised. This is the guard
// against drift between the grammar and the language as the compiler parses it.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { tokenize } = require('../scripts/tokenize.js');

const REPO = path.join(__dirname, '..', '..', '..');
const ROOTS = ['examples', 'stdlib', path.join('tests', 'ui', 'pass')];

function isms(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'dist' || e.name.startsWith('.') ? [] : isms(p);
    return e.name.endsWith('.isms') ? [p] : [];
  });
}

const files = ROOTS.flatMap((r) => isms(path.join(REPO, r)));
const ITEM = /^(isms|person|team|party|asset|scope|classification|risk_method|risk|control|policy|procedure|standard|guideline|obligation|context|objective|audit|nonconformity|review|role|competence|applicability|framework|mapping|clauses)\b/;
const BLOCK = /^\s+(residual|evidence|result|action|inputs|group|requirement|clause|documented|matrix)\s+[^=\s]/;

test('the repository has .isms files to check', { skip: files.length === 0 && 'not inside the ismsc repository' }, () => {
  assert.ok(files.length >= 20, `found ${files.length}`);
});

for (const file of files) {
  const rel = path.relative(REPO, file);
  test(`highlights ${rel}`, async () => {
    const lines = await tokenize(fs.readFileSync(file, 'utf8'));
    const problems = [];
    for (const { line, text, tokens } of lines) {
      for (const t of tokens) {
        const inner = t.scopes.slice(1);
        if (inner.some((s) => s.startsWith('invalid.'))) {
          problems.push(`${rel}:${line}:${t.start + 1}: ${JSON.stringify(t.text)} is ${inner.join(' ')}`);
        } else if (inner.length === 0 && t.text.trim() !== '') {
          problems.push(`${rel}:${line}:${t.start + 1}: ${JSON.stringify(t.text)} has no scope`);
        }
      }
      const first = tokens.find((t) => t.text.trim() !== '');
      const inText = first && first.scopes.some((s) => s.startsWith('comment.') || s.startsWith('string.'));
      if (!first || inText) continue;
      if (ITEM.test(text) && !first.scopes.includes('keyword.other.item.isms')) {
        problems.push(`${rel}:${line}: item keyword not recognised: ${text}`);
      }
      if (BLOCK.test(text) && !first.scopes.includes('keyword.other.block.isms')) {
        problems.push(`${rel}:${line}: block keyword not recognised: ${text}`);
      }
    }
    assert.deepEqual(problems, []);
  });
}
