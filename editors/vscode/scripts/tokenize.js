// Tokenizes .isms text with the extension's TextMate grammar, as VS Code does
// (vscode-textmate + vscode-oniguruma). Used by the tests; also a debugging aid:
//
//   node scripts/tokenize.js FILE.isms     prints every token with its scopes
'use strict';

const fs = require('fs');
const path = require('path');
const tm = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

const ROOT = path.join(__dirname, '..');
const GRAMMAR = path.join(ROOT, 'syntaxes', 'isms.tmLanguage.json');

let grammarPromise;

/** Loads the grammar once. */
function loadGrammar() {
  if (!grammarPromise) {
    const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm')).buffer;
    const onigLib = oniguruma.loadWASM(wasm).then(() => ({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }));
    const registry = new tm.Registry({
      onigLib,
      loadGrammar: async (scopeName) =>
        scopeName === 'source.isms'
          ? tm.parseRawGrammar(fs.readFileSync(GRAMMAR, 'utf8'), GRAMMAR)
          : null,
    });
    grammarPromise = registry.loadGrammar('source.isms');
  }
  return grammarPromise;
}

/**
 * Tokenizes a whole text.
 * @returns {Promise<Array<{ line: number, text: string, tokens: Array<{ start: number, end: number, text: string, scopes: string[] }> }>>}
 */
async function tokenize(text) {
  const grammar = await loadGrammar();
  let state = tm.INITIAL;
  return text.split(/\r\n|\n/).map((line, i) => {
    const r = grammar.tokenizeLine(line, state);
    state = r.ruleStack;
    return {
      line: i + 1,
      text: line,
      tokens: r.tokens.map((t) => ({
        start: t.startIndex,
        end: Math.min(t.endIndex, line.length),
        text: line.slice(t.startIndex, t.endIndex),
        scopes: t.scopes,
      })),
    };
  });
}

module.exports = { loadGrammar, tokenize, GRAMMAR };

if (require.main === module) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: node scripts/tokenize.js FILE.isms');
    process.exit(2);
  }
  tokenize(fs.readFileSync(file, 'utf8')).then((lines) => {
    for (const l of lines) {
      console.log(`${String(l.line).padStart(4)} | ${l.text}`);
      for (const t of l.tokens) {
        if (t.text.trim() === '') continue;
        console.log(`       ${JSON.stringify(t.text)}  ${t.scopes.slice(1).join(' ')}`);
      }
    }
  });
}
