// The extension's manifest, grammar file and language configuration: consistent with each
// other, every regular expression compiles with the engine VS Code uses, and the word pattern
// keeps the language's ids whole.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const oniguruma = require('vscode-oniguruma');

const ROOT = path.join(__dirname, '..');
const read = (rel) => JSON.parse(fs.readFileSync(path.join(ROOT, rel), 'utf8'));
const pkg = read('package.json');
const grammar = read('syntaxes/isms.tmLanguage.json');
const langConf = read('language-configuration.json');

test('package.json contributes the isms language, grammar and settings', () => {
  assert.equal(pkg.name, 'ismsc');
  assert.equal(pkg.publisher, 'ismsc');
  assert.equal(pkg.engines.vscode, '^1.85.0');
  assert.ok(fs.existsSync(path.join(ROOT, pkg.main)), `main ${pkg.main} exists`);
  assert.ok(pkg.activationEvents.includes('onLanguage:isms'));

  const [lang] = pkg.contributes.languages;
  assert.equal(lang.id, 'isms');
  assert.deepEqual(lang.extensions, ['.isms']);
  assert.ok(fs.existsSync(path.join(ROOT, lang.configuration)));

  const [g] = pkg.contributes.grammars;
  assert.equal(g.language, 'isms');
  assert.equal(g.scopeName, 'source.isms');
  assert.equal(grammar.scopeName, 'source.isms');
  assert.ok(fs.existsSync(path.join(ROOT, g.path)));

  const props = pkg.contributes.configuration.properties;
  assert.equal(props['ismsc.path'].default, 'ismsc');
  assert.deepEqual(props['ismsc.trace.server'].enum, ['off', 'messages', 'verbose']);
  assert.equal(props['ismsc.trace.server'].default, 'off');

  // The client must ship: it is a runtime dependency, not a dev dependency.
  assert.ok(pkg.dependencies['vscode-languageclient'].startsWith('^9.'), 'vscode-languageclient 9 supports engines ^1.82');
  for (const cmd of pkg.contributes.commands) {
    assert.match(cmd.command, /^ismsc\./);
  }
});

test('the packaged files are the extension, not its tests', () => {
  const ignore = fs.readFileSync(path.join(ROOT, '.vscodeignore'), 'utf8');
  for (const pattern of ['test/**', 'scripts/**']) {
    assert.ok(ignore.split('\n').includes(pattern), `.vscodeignore has ${pattern}`);
  }
  assert.ok(fs.existsSync(path.join(ROOT, 'LICENSE')), 'vsce asks interactively without a LICENSE');
  assert.ok(fs.existsSync(path.join(ROOT, 'README.md')));
});

/** Every rule object of the grammar, with a path for messages. */
function* rules(node, where) {
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) yield* rules(node[i], `${where}[${i}]`);
  } else if (node && typeof node === 'object') {
    yield [node, where];
    for (const [k, v] of Object.entries(node)) yield* rules(v, `${where}.${k}`);
  }
}

test('every regular expression of the grammar compiles with oniguruma', async () => {
  const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm')).buffer;
  await oniguruma.loadWASM(wasm);
  let count = 0;
  for (const [rule, where] of rules(grammar, 'grammar')) {
    for (const key of ['match', 'begin', 'end', 'while']) {
      if (typeof rule[key] !== 'string') continue;
      assert.doesNotThrow(() => new oniguruma.OnigScanner([rule[key]]).dispose(), `${where}.${key}: ${rule[key]}`);
      count++;
    }
  }
  assert.ok(count > 40, `found ${count} expressions`);
});

test('every include resolves and every scope name ends in .isms', () => {
  const all = [...rules(grammar.patterns, 'patterns'), ...rules(grammar.repository, 'repository')];
  for (const [rule, where] of all) {
    if (typeof rule.include === 'string') {
      assert.match(rule.include, /^#/, `${where}: only local includes`);
      assert.ok(grammar.repository[rule.include.slice(1)], `${where}: ${rule.include} is in the repository`);
    }
    if (typeof rule.name === 'string') {
      for (const scope of rule.name.split(/\s+/)) {
        assert.match(scope, /\.isms$/, `${where}: scope ${scope}`);
      }
    }
  }
});

test('the grammar knows every item kind of the language reference', () => {
  const doc = path.join(ROOT, '..', '..', 'docs', 'language.md');
  if (!fs.existsSync(doc)) return; // outside the ismsc repository
  const kinds = new Set();
  for (const m of fs.readFileSync(doc, 'utf8').matchAll(/^### `([a-z_]+)[ `]/gm)) kinds.add(m[1]);
  assert.ok(kinds.size >= 14, `found ${[...kinds]}`);
  const itemRule = grammar.repository.item.begin;
  for (const kind of kinds) {
    assert.ok(new RegExp(`[(|]${kind}[|)]`).test(itemRule), `item keyword ${kind} is highlighted`);
  }
});

// --- language configuration -----------------------------------------------------------------

/** The word at a column as VS Code finds it: the match of wordPattern that contains it. */
function wordAt(line, column) {
  const re = new RegExp(langConf.wordPattern, 'g');
  for (const m of line.matchAll(re)) {
    if (m.index <= column && column <= m.index + m[0].length) return m[0];
  }
  return undefined;
}

test('wordPattern keeps ids, requirement ids and framework references whole', () => {
  const cases = [
    ['  owner = R-001', 'R-001'],
    ['  policy = access-control', 'access-control'],
    ['  policy = [access-control, data_retention]', 'data_retention'],
    ['  satisfies = [A.5.17, A.8.5]', 'A.5.17'],
    ['  satisfies = [A.5.17, A.8.5]', 'A.8.5'],
    ['  standard = iso27001:2022', 'iso27001:2022'],
    ['  satisfies = [iso27001:2013/A.9.4.2]', 'iso27001:2013/A.9.4.2'],
    ['  satisfies = [nist-csf:2.0/PR.AA-01]', 'nist-csf:2.0/PR.AA-01'],
    ['  21.2.a intersects A.5.1', '21.2.a'],
    ['  review = 12mo', '12mo'],
    ['  due = 2026-09-30', '2026-09-30'],
    ['// see A.5.17.', 'A.5.17'],
    ['  excludes = [payroll: "reason"]', 'payroll'],
    ['  accepted = ceo @ 2026-03-10', 'ceo'],
  ];
  for (const [line, word] of cases) {
    const start = line.lastIndexOf(word);
    assert.ok(start >= 0, `${word} in ${line}`);
    for (const col of [start, start + Math.floor(word.length / 2), start + word.length]) {
      assert.equal(wordAt(line, col), word, `word at column ${col} of ${JSON.stringify(line)}`);
    }
  }
  // Punctuation around words is not part of them.
  assert.equal(wordAt('[A.5.17,', 1), 'A.5.17');
  assert.equal(wordAt('x = "y"', 5), 'y');
});

test('language configuration: comments, brackets, pairs, folding', () => {
  assert.equal(langConf.comments.lineComment, '//');
  assert.deepEqual(langConf.comments.blockComment, ['/*', '*/']);
  const brackets = langConf.brackets.map((b) => b.join(''));
  assert.deepEqual(brackets.sort(), ['()', '[]', '{}']);
  const opens = langConf.autoClosingPairs.map((p) => p.open);
  for (const o of ['{', '[', '(', '"']) assert.ok(opens.includes(o), `autoClosingPairs has ${o}`);
  const quote = langConf.autoClosingPairs.find((p) => p.open === '"');
  assert.deepEqual(quote.notIn, ['string', 'comment']);
  assert.ok(langConf.surroundingPairs.some((p) => p[0] === '"'));
  assert.equal(langConf.folding.offSide, false);
  assert.ok(new RegExp(langConf.folding.markers.start).test('  // region Risks'));
  assert.ok(new RegExp(langConf.folding.markers.end).test('// endregion'));
  const inc = new RegExp(langConf.indentationRules.increaseIndentPattern);
  assert.ok(inc.test('control mfa "MFA" {'));
  assert.ok(inc.test('  controls = ['));
  assert.ok(!inc.test('  residual { likelihood = rare }'));
  assert.ok(!inc.test('// a comment {'));
  assert.ok(new RegExp(langConf.indentationRules.decreaseIndentPattern).test('  }'));
});
