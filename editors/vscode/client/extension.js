// VS Code client for `ismsc lsp`.
//
// Plain CommonJS, no build step. The extension contributes the `isms` language, its TextMate
// grammar and language configuration (see package.json); this file only starts the language
// server: `<ismsc.path> lsp`, speaking LSP over stdin/stdout. Everything else (diagnostics,
// navigation, completion, formatting, …) is the server's.

'use strict';

const fs = require('fs');
const path = require('path');
const vscode = require('vscode');
const { LanguageClient, State } = require('vscode-languageclient/node');

const SECTION = 'ismsc';
const OUTPUT_NAME = 'ismsc Language Server';

/** @type {LanguageClient | undefined} */
let client;
/** @type {vscode.OutputChannel | undefined} */
let output;

/**
 * Finds an executable the way a shell would: a value with a path separator is taken as a
 * path (relative to the first workspace folder), a bare name is looked up on PATH (with
 * PATHEXT on Windows). Returns the absolute path, or undefined when there is none.
 *
 * @param {string} command the `ismsc.path` setting
 * @param {{ env?: NodeJS.ProcessEnv, platform?: string, cwd?: string }} [opts]
 * @returns {string | undefined}
 */
function findExecutable(command, opts = {}) {
  const env = opts.env || process.env;
  const platform = opts.platform || process.platform;
  const windows = platform === 'win32';
  const exts = windows
    ? ['', ...(env.PATHEXT || '.COM;.EXE;.BAT;.CMD').split(';').filter(Boolean)]
    : [''];
  const isFile = (p) => {
    try {
      if (!fs.statSync(p).isFile()) return false;
      if (!windows) fs.accessSync(p, fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  const withExts = (p) => exts.map((e) => p + e).find(isFile);

  const expanded = command.startsWith('~/') || command === '~'
    ? path.join(require('os').homedir(), command.slice(1))
    : command;
  if (expanded.includes('/') || (windows && expanded.includes('\\'))) {
    const abs = path.isAbsolute(expanded) ? expanded : path.resolve(opts.cwd || process.cwd(), expanded);
    return withExts(abs);
  }
  const dirs = (env.PATH || env.Path || '').split(path.delimiter).filter(Boolean);
  for (const dir of dirs) {
    const found = withExts(path.join(dir, expanded));
    if (found) return found;
  }
  return undefined;
}

/** The text shown when the executable cannot be found. */
function missingMessage(command) {
  return (
    `ismsc: cannot find the language server executable \`${command}\` ` +
    `(setting "ismsc.path"). Install ismsc (for example \`cargo install --locked --path compiler/cli\` ` +
    `in the ismsc repository) or set "ismsc.path" to the absolute path of the binary, ` +
    `then run "ismsc: Restart Language Server". Syntax highlighting works without it; ` +
    `diagnostics, navigation, completion and formatting need \`ismsc lsp\`.`
  );
}

function workspaceCwd() {
  const folders = vscode.workspace.workspaceFolders;
  return folders && folders.length > 0 && folders[0].uri.scheme === 'file'
    ? folders[0].uri.fsPath
    : undefined;
}

/**
 * Starts the client. Resolves to true when the server is running; on any failure it shows
 * one error message and resolves to false (it never throws: the grammar keeps working).
 */
async function startClient(context) {
  const config = vscode.workspace.getConfiguration(SECTION);
  const command = (config.get('path') || 'ismsc').trim() || 'ismsc';
  const cwd = workspaceCwd();
  const executable = findExecutable(command, { cwd });
  if (!executable) {
    output.appendLine(`[client] ${missingMessage(command)}`);
    // Not awaited: the message stays until dismissed, activation must not wait for it.
    vscode.window.showErrorMessage(missingMessage(command), 'Open Settings', 'Show Output').then((choice) => {
      if (choice === 'Open Settings') {
        vscode.commands.executeCommand('workbench.action.openSettings', 'ismsc.path');
      } else if (choice === 'Show Output') {
        output.show(true);
      }
    });
    return false;
  }

  // No `transport` on purpose: with `TransportKind.stdio` vscode-languageclient appends a
  // `--stdio` argument, and the server's command line is exactly `ismsc lsp`.
  const run = { command: executable, args: ['lsp'], options: { cwd, env: process.env } };
  const serverOptions = { run, debug: run };

  const watchers = [
    vscode.workspace.createFileSystemWatcher('**/*.isms'),
    vscode.workspace.createFileSystemWatcher('**/isms.toml'),
    // Policy texts referenced with `file("…")`: their existence is checked by the server.
    vscode.workspace.createFileSystemWatcher('**/*.md'),
  ];
  context.subscriptions.push(...watchers);

  /** @type {import('vscode-languageclient').LanguageClientOptions} */
  const clientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'isms' },
      { scheme: 'untitled', language: 'isms' },
    ],
    synchronize: { fileEvents: watchers },
    outputChannel: output,
    traceOutputChannel: output,
  };

  // The id `ismsc` makes vscode-languageclient read the `ismsc.trace.server` setting.
  client = new LanguageClient(SECTION, OUTPUT_NAME, serverOptions, clientOptions);
  output.appendLine(`[client] starting ${executable} lsp${cwd ? ` in ${cwd}` : ''}`);
  try {
    await client.start();
    return true;
  } catch (err) {
    const detail = err && err.message ? err.message : String(err);
    const message =
      `ismsc: the language server \`${executable} lsp\` did not start: ${detail}. ` +
      `Is this an ismsc version with the \`lsp\` command? See the "${OUTPUT_NAME}" output.`;
    output.appendLine(`[client] ${message}`);
    vscode.window.showErrorMessage(message, 'Show Output').then((choice) => {
      if (choice === 'Show Output') output.show(true);
    });
    const failed = client;
    client = undefined;
    try {
      if (failed.state !== State.Stopped) await failed.stop();
    } catch {
      // already dead
    }
    return false;
  }
}

async function stopClient() {
  const running = client;
  client = undefined;
  if (running && running.state !== State.Stopped) {
    await running.stop();
  }
}

async function restartClient(context) {
  await stopClient();
  return startClient(context);
}

/** @param {vscode.ExtensionContext} context */
async function activate(context) {
  output = vscode.window.createOutputChannel(OUTPUT_NAME);
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand('ismsc.restartServer', () => restartClient(context)),
    vscode.commands.registerCommand('ismsc.showOutput', () => output.show(true)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('ismsc.path')) restartClient(context);
    }),
  );
  await startClient(context);
}

function deactivate() {
  return stopClient();
}

module.exports = { activate, deactivate, findExecutable, missingMessage };
