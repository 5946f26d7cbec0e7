// The client (client/extension.js) against a stand-in for the `vscode` API and for
// vscode-languageclient: it starts `<ismsc.path> lsp` over stdio, and says clearly when the
// binary is missing or does not start.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const os = require('os');
const path = require('path');
const Module = require('module');

/** A fresh stand-in world for one activation. */
function world({ settings = {}, start = async () => {} } = {}) {
  const w = {
    errors: [],
    clients: [],
    commands: new Map(),
    outputLines: [],
  };
  const disposable = { dispose() {} };
  w.vscode = {
    workspace: {
      workspaceFolders: undefined,
      getConfiguration: (section) => ({
        get: (key, dflt) => {
          const v = settings[`${section}.${key}`];
          return v === undefined ? dflt : v;
        },
      }),
      createFileSystemWatcher: (glob) => ({ glob, dispose() {} }),
      onDidChangeConfiguration: () => disposable,
    },
    window: {
      createOutputChannel: (name) => ({
        name,
        appendLine: (l) => w.outputLines.push(l),
        append() {},
        show() {},
        dispose() {},
      }),
      showErrorMessage: (msg, ...items) => {
        w.errors.push({ msg, items });
        return Promise.resolve(undefined);
      },
    },
    commands: {
      registerCommand: (id, fn) => {
        w.commands.set(id, fn);
        return disposable;
      },
      executeCommand: async () => {},
    },
  };
  class LanguageClient {
    constructor(id, name, serverOptions, clientOptions) {
      Object.assign(this, { id, name, serverOptions, clientOptions, state: 1, started: false });
      w.clients.push(this);
    }
    async start() {
      this.started = true;
      await start(this);
      this.state = 2;
    }
    async stop() {
      this.state = 1;
    }
  }
  w.languageclient = { LanguageClient, State: { Stopped: 1, Starting: 3, Running: 2 } };
  return w;
}

/** Loads client/extension.js with `vscode` and `vscode-languageclient/node` replaced. */
function loadExtension(w) {
  const file = require.resolve('../client/extension.js');
  delete require.cache[file];
  const original = Module._load;
  Module._load = function (request, parent, isMain) {
    if (request === 'vscode') return w.vscode;
    if (request === 'vscode-languageclient/node') return w.languageclient;
    return original.call(this, request, parent, isMain);
  };
  try {
    return require(file);
  } finally {
    Module._load = original;
  }
}

function tempDir() {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'ismsc-client-'));
}

/** A fake `ismsc` that is an executable file (it never runs: the client is stubbed). */
function fakeBinary(dir, name = 'ismsc') {
  const p = path.join(dir, process.platform === 'win32' ? `${name}.cmd` : name);
  fs.writeFileSync(p, '#!/bin/sh\nexit 0\n');
  fs.chmodSync(p, 0o755);
  return p;
}

const context = () => ({ subscriptions: [] });

test('findExecutable: PATH lookup, explicit paths, non-executable files', { skip: process.platform === 'win32' }, () => {
  const w = world();
  const { findExecutable } = loadExtension(w);
  const dir = tempDir();
  const bin = fakeBinary(dir);
  const other = tempDir();
  fs.writeFileSync(path.join(other, 'ismsc'), 'not executable');
  const env = { PATH: [other, dir].join(path.delimiter) };
  assert.equal(findExecutable('ismsc', { env }), bin, 'skips the non-executable file earlier on PATH');
  assert.equal(findExecutable('ismsc', { env: { PATH: other } }), undefined);
  assert.equal(findExecutable(bin, { env: {} }), bin, 'absolute path');
  assert.equal(findExecutable('./ismsc', { env: {}, cwd: dir }), bin, 'relative to the workspace');
  assert.equal(findExecutable(path.join(dir, 'nope'), { env: {} }), undefined);
  assert.equal(findExecutable(dir, { env: {} }), undefined, 'a directory is no executable');
});

test('a missing binary gives one clear error and no client', async () => {
  const w = world({ settings: { 'ismsc.path': '/nonexistent/dir/ismsc' } });
  const ext = loadExtension(w);
  await ext.activate(context());
  assert.equal(w.clients.length, 0);
  assert.equal(w.errors.length, 1);
  const { msg, items } = w.errors[0];
  assert.match(msg, /cannot find the language server executable `\/nonexistent\/dir\/ismsc`/);
  assert.match(msg, /"ismsc\.path"/);
  assert.match(msg, /cargo install/);
  assert.deepEqual(items, ['Open Settings', 'Show Output']);
  assert.ok(w.outputLines.some((l) => l.includes('cannot find')));
  assert.ok(w.commands.has('ismsc.restartServer'));
  await ext.deactivate();
});

test('the default setting looks up `ismsc` on PATH', async () => {
  const dir = tempDir();
  const bin = fakeBinary(dir);
  const saved = process.env.PATH;
  process.env.PATH = dir;
  try {
    const w = world();
    const ext = loadExtension(w);
    await ext.activate(context());
    assert.equal(w.errors.length, 0);
    assert.equal(w.clients.length, 1);
    assert.equal(w.clients[0].serverOptions.run.command, bin);
    await ext.deactivate();
  } finally {
    process.env.PATH = saved;
  }
});

test('the server is `<ismsc.path> lsp` over stdio, for isms documents', async () => {
  const bin = fakeBinary(tempDir());
  const w = world({ settings: { 'ismsc.path': bin } });
  const ext = loadExtension(w);
  await ext.activate(context());
  assert.equal(w.errors.length, 0, JSON.stringify(w.errors));
  assert.equal(w.clients.length, 1);
  const c = w.clients[0];
  assert.equal(c.id, 'ismsc', 'the id makes vscode-languageclient read ismsc.trace.server');
  assert.ok(c.started);
  for (const mode of ['run', 'debug']) {
    const exe = c.serverOptions[mode];
    assert.equal(exe.command, bin);
    assert.deepEqual(exe.args, ['lsp']);
    assert.equal(exe.transport, undefined, 'TransportKind.stdio would append --stdio');
  }
  assert.deepEqual(c.clientOptions.documentSelector, [
    { scheme: 'file', language: 'isms' },
    { scheme: 'untitled', language: 'isms' },
  ]);
  const globs = c.clientOptions.synchronize.fileEvents.map((f) => f.glob);
  assert.ok(globs.includes('**/*.isms') && globs.includes('**/isms.toml'));

  // Restart stops the running client and starts a new one.
  await w.commands.get('ismsc.restartServer')();
  assert.equal(w.clients.length, 2);
  assert.equal(c.state, 1, 'old client stopped');
  await ext.deactivate();
  assert.equal(w.clients[1].state, 1);
});

test('a server that fails to start is reported, not thrown', async () => {
  const bin = fakeBinary(tempDir());
  const w = world({
    settings: { 'ismsc.path': bin },
    start: async () => {
      throw new Error('Connection to server got closed.');
    },
  });
  const ext = loadExtension(w);
  await ext.activate(context());
  assert.equal(w.errors.length, 1);
  assert.match(w.errors[0].msg, /did not start: Connection to server got closed\./);
  assert.match(w.errors[0].msg, /`lsp` command/);
  await ext.deactivate();
});
