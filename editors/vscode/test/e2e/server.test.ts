/**
 * End to end: the real `failcast` binary driven the way VS Code's language
 * client drives it — over stdio with `vscode-languageserver-protocol`, with
 * the extension's own settings mapping as `initializationOptions` and in
 * `workspace/didChangeConfiguration`.
 *
 * The binary comes from `FAILCAST_SERVER` or `../../target/debug/failcast`.
 * When it is missing the suite is skipped, loudly; it never passes without
 * running.
 */

import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { pathToFileURL } from "node:url";

import type {
    CodeAction,
    CodeLens,
    Command,
    Diagnostic,
    Hover,
    InitializeResult,
    MarkupContent,
    PublishDiagnosticsParams,
} from "vscode-languageserver-protocol";

import { discoverServer } from "../../src/discovery";
import { nodeDiscoveryDeps } from "../../src/nodeDeps";
import { SERVER_ARGS, SERVER_COMMANDS, STATUS_NOTIFICATION, showTraceArguments, predictArguments, traceMarkdown } from "../../src/protocol";
import { FAILURE_CLASSES, configurationSection, readFromObject, toServerSettings } from "../../src/settings";
import { parseStatusParams } from "../../src/status";
import { packageRoot } from "../packageRoot";
import { DEFAULT_WAIT_MS, LspSession, withTimeout } from "./lspSession";

const binary = process.env.FAILCAST_SERVER
    ? path.resolve(process.env.FAILCAST_SERVER)
    : path.resolve(packageRoot(), "../../target/debug/failcast");
const missing = !fs.existsSync(binary);
if (missing) {
    // Printed on its own line so a CI log shows the skip even without the TAP details.
    console.log(`SKIPPED: binary not found: ${binary} (set FAILCAST_SERVER or build target/debug/failcast)`);
}

const FIXTURE = fs.readFileSync(path.join(packageRoot(), "test/fixtures/users.py"), "utf8");
// 0-based lines of the fixture.
const DEF_LINE = 3; // def get_user(url):
const REQUEST_LINE = 4; //     data = requests.get(url).json()
const SUBSCRIPT_LINE = 5; //     return data["user"]["id"]

/** The VS Code settings a user of this test would have, mapped as the extension maps them. */
const VSCODE_SETTINGS = {
    model: { backend: "off" },
    predict: { debounceMs: 0 },
    severity: { latent: "warning", manifest: "warning" },
    files: { includeTests: false },
};

if (missing) {
    it("failcast e2e against the real binary", { skip: `SKIPPED: binary not found: ${binary}` }, () => undefined);
}

describe("failcast e2e (vscode-languageserver-protocol against the real binary)", { skip: missing }, () => {
    let workspace: string;
    let fileUri: string;
    let session: LspSession;
    let settings = toServerSettings(readFromObject(VSCODE_SETTINGS));
    let initializeResult: InitializeResult;
    let firstDiagnostics: Diagnostic[] = [];
    let version = 1;

    before(async () => {
        workspace = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "failcast-vscode-e2e-")));
        fs.mkdirSync(path.join(workspace, "app"));
        const file = path.join(workspace, "app", "users.py");
        fs.writeFileSync(file, FIXTURE);
        fileUri = pathToFileURL(file).toString();
        session = new LspSession(binary, [...SERVER_ARGS], {
            cwd: workspace,
            env: { ...process.env, FAILCAST_LOG: process.env.FAILCAST_LOG ?? "info" },
            configuration: (section) => configurationSection(settings, section)?.value,
        });
    });

    after(async () => {
        await session?.kill();
        if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
    });

    it("answers --version the way server discovery expects", async () => {
        const found = await discoverServer({ settingPath: binary, extensionPath: "/nonexistent" }, nodeDiscoveryDeps({}));
        assert.ok(found.ok, found.ok ? "" : found.message);
        assert.match(found.version, /^\d+\.\d+\.\d+/);
    });

    it("initializes with the mapped settings and offers failcast's features", async () => {
        assert.deepEqual(settings, {
            model: { backend: "off" },
            predict: { debounce_ms: 0 },
            severity: { latent: "warning", manifest: "warning" },
            files: { include_tests: false },
        });
        initializeResult = await session.request<InitializeResult>("initialize", {
            processId: process.pid,
            clientInfo: { name: "failcast-vscode-e2e", version: "0.1.0" },
            rootUri: pathToFileURL(workspace).toString(),
            workspaceFolders: [{ uri: pathToFileURL(workspace).toString(), name: "ws" }],
            initializationOptions: settings,
            capabilities: {
                general: { positionEncodings: ["utf-16"] },
                window: { workDoneProgress: true, showMessage: {} },
                workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true }, workspaceFolders: true, applyEdit: true, workspaceEdit: { documentChanges: true, resourceOperations: ["create", "rename", "delete"] } },
                textDocument: {
                    synchronization: { dynamicRegistration: true, didSave: true },
                    publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true, dataSupport: true },
                    hover: { contentFormat: ["markdown", "plaintext"] },
                    codeAction: {
                        codeActionLiteralSupport: { codeActionKind: { valueSet: ["", "quickfix", "refactor", "source"] } },
                        resolveSupport: { properties: ["edit"] },
                        dataSupport: true,
                        isPreferredSupport: true,
                    },
                    codeLens: {},
                },
            },
        });
        // Before any assertion, so a missing capability does not also stall the tests after this one.
        await session.notify("initialized", {});
        const caps = initializeResult.capabilities;
        const commands = caps.executeCommandProvider?.commands ?? [];
        const lacking = [
            ...(["hoverProvider", "codeActionProvider", "codeLensProvider"] as const).filter((name) => !caps[name]),
            ...Object.values(SERVER_COMMANDS)
                .filter((command) => !commands.includes(command))
                .map((command) => `executeCommandProvider.commands ∋ ${command}`),
        ];
        assert.deepEqual(lacking, [], `server capabilities lack: ${lacking.join(", ")}\ncapabilities: ${JSON.stringify(caps)}`);
    });

    it("reports failcast/status `static` when the model backend is off", async () => {
        const status = await session.waitForNotification<unknown>(
            STATUS_NOTIFICATION,
            (params) => parseStatusParams(params)?.state === "static",
            "failcast/status with state static",
        );
        assert.equal(typeof (status as { message: unknown }).message, "string");
    });

    it("publishes failcast diagnostics for the hazards of a Python fixture", async () => {
        const since = Date.now();
        await session.notify("textDocument/didOpen", { textDocument: { uri: fileUri, languageId: "python", version, text: FIXTURE } });
        const published = await session.waitForNotification<PublishDiagnosticsParams>(
            "textDocument/publishDiagnostics",
            (p) => p.uri === fileUri && p.diagnostics.some((d) => d.source === "failcast"),
            `failcast diagnostics for ${fileUri}`,
            { since },
        );
        firstDiagnostics = published.diagnostics.filter((d) => d.source === "failcast");
        const summary = firstDiagnostics.map((d) => `${d.range.start.line}:${d.code} ${d.message}`).join("\n");
        for (const d of firstDiagnostics) {
            assert.ok(FAILURE_CLASSES.includes(d.code as (typeof FAILURE_CLASSES)[number]), `code ${String(d.code)} is a failure class\n${summary}`);
            assert.ok(d.range.start.line >= REQUEST_LINE && d.range.end.line <= SUBSCRIPT_LINE, `diagnostic inside get_user's body\n${summary}`);
            assert.ok(d.message.trim().length > 0);
        }
        assert.ok(
            firstDiagnostics.some((d) => d.range.start.line === REQUEST_LINE && d.code === "timeout"),
            `a timeout on requests.get without timeout= (line ${REQUEST_LINE})\n${summary}`,
        );
        assert.ok(
            firstDiagnostics.some((d) => d.range.start.line === SUBSCRIPT_LINE && d.code === "key_missing"),
            `a key_missing on data["user"]["id"] (line ${SUBSCRIPT_LINE})\n${summary}`,
        );
    });

    it("hover on the function name shows its synthetic Python traceback", async () => {
        const hover = await session.request<Hover | null>("textDocument/hover", {
            textDocument: { uri: fileUri },
            position: { line: DEF_LINE, character: "def get_".length },
        });
        assert.ok(hover, "hover on get_user returned null");
        const text = hoverText(hover);
        assert.match(text, /Traceback \(most recent call last\):/, text);
        assert.match(text, /line (5|6), in get_user/, text);
    });

    it("offers code actions on a diagnostic: write a test, ignore the prediction", async () => {
        const diagnostic = firstDiagnostics.find((d) => d.code === "timeout") ?? firstDiagnostics[0];
        assert.ok(diagnostic, "no failcast diagnostic to act on");
        const actions = await session.request<Array<CodeAction | Command> | null>("textDocument/codeAction", {
            textDocument: { uri: fileUri },
            range: diagnostic.range,
            context: { diagnostics: [diagnostic], triggerKind: 1 },
        });
        const titles = (actions ?? []).map((a) => a.title);
        const writeTest = (actions ?? []).find((a) => a.title.startsWith("failcast: write a test for")) as CodeAction | undefined;
        assert.ok(writeTest, `no "failcast: write a test for …" action in ${JSON.stringify(titles)}`);
        assert.ok(titles.includes("failcast: ignore this prediction"), `no "failcast: ignore this prediction" in ${JSON.stringify(titles)}`);
        let action = writeTest;
        if (!action.edit && !action.command && "data" in action) {
            action = await session.request<CodeAction>("codeAction/resolve", action);
        }
        assert.ok(action.edit || action.command, `"${action.title}" has neither an edit nor a command`);
        const edited = JSON.stringify(action.edit ?? action.command);
        assert.match(edited, /def test_/, "the test action writes a pytest function");
    });

    it("code lenses run failcast.showTrace, which returns the function's traces as markdown", async () => {
        const lenses = (await session.request<CodeLens[] | null>("textDocument/codeLens", { textDocument: { uri: fileUri } })) ?? [];
        let lens = lenses.find((l) => l.range.start.line === DEF_LINE);
        assert.ok(lens, `no code lens on line ${DEF_LINE}: ${JSON.stringify(lenses)}`);
        if (!lens.command) lens = await session.request<CodeLens>("codeLens/resolve", lens);
        assert.equal(lens.command?.command, SERVER_COMMANDS.showTrace);
        const args = lens.command?.arguments ?? [];
        assert.equal((args[0] as { uri?: string } | undefined)?.uri, fileUri, "lens argument names the file");
        const result = await session.request<unknown>("workspace/executeCommand", { command: SERVER_COMMANDS.showTrace, arguments: args });
        const markdown = traceMarkdown(result);
        assert.ok(markdown, `showTrace returned no markdown: ${JSON.stringify(result)}`);
        assert.match(markdown, /Traceback \(most recent call last\):/);
    });

    it("failcast.showTrace at the cursor and failcast.predict, as the palette commands send them", async () => {
        const position = { line: REQUEST_LINE, character: 8 };
        const result = await session.request<unknown>("workspace/executeCommand", {
            command: SERVER_COMMANDS.showTrace,
            arguments: showTraceArguments(fileUri, position),
        });
        assert.match(traceMarkdown(result) ?? "", /get_user/);
        await session.request<unknown>("workspace/executeCommand", { command: SERVER_COMMANDS.predict, arguments: predictArguments(fileUri, position) });
    });

    it("honours a snake_case didChangeConfiguration (severity.classes)", async () => {
        settings = toServerSettings(readFromObject({ ...VSCODE_SETTINGS, severity: { ...VSCODE_SETTINGS.severity, classes: { timeout: "error" } } }));
        assert.deepEqual(settings.severity, { latent: "warning", manifest: "warning", classes: { timeout: "error" } });
        const since = Date.now();
        await session.notify("workspace/didChangeConfiguration", { settings: { failcast: settings } });
        const isError = (p: PublishDiagnosticsParams) =>
            p.uri === fileUri && p.diagnostics.some((d) => d.code === "timeout" && d.severity === 1);
        try {
            await session.waitForNotification("textDocument/publishDiagnostics", isError, "timeout diagnostic re-published as an error", {
                since,
                timeoutMs: 5000,
            });
        } catch {
            // A server may re-render only on the next edit; give it one.
            version += 1;
            await session.notify("textDocument/didChange", {
                textDocument: { uri: fileUri, version },
                contentChanges: [{ text: FIXTURE }],
            });
            await session.waitForNotification("textDocument/publishDiagnostics", isError, "timeout diagnostic as an error after an edit", { since });
        }
    });

    it("an edit that adds timeout= clears the timeout diagnostic", async () => {
        const fixed = FIXTURE.replace("requests.get(url)", "requests.get(url, timeout=5)");
        assert.notEqual(fixed, FIXTURE);
        version += 1;
        const since = Date.now();
        await session.notify("textDocument/didChange", {
            textDocument: { uri: fileUri, version },
            contentChanges: [{ range: { start: { line: REQUEST_LINE, character: 27 }, end: { line: REQUEST_LINE, character: 27 } }, text: ", timeout=5" }],
        });
        assert.equal(FIXTURE.split("\n")[REQUEST_LINE].slice(0, 27), "    data = requests.get(url");
        await session.waitForNotification<PublishDiagnosticsParams>(
            "textDocument/publishDiagnostics",
            (p) => p.uri === fileUri && !p.diagnostics.some((d) => d.code === "timeout"),
            "diagnostics without the timeout after adding timeout=5",
            { since },
        );
    });

    it("shuts down and exits cleanly, with nothing but JSON-RPC on stdout", async () => {
        await session.request<null>("shutdown");
        await session.notify("exit");
        const exit = await withTimeout(session.exited, DEFAULT_WAIT_MS, "the server process to exit after `exit`");
        assert.deepEqual(exit, { code: 0, signal: null });
        assert.deepEqual(session.errors, []);
    });
});

function hoverText(hover: Hover): string {
    const contents = hover.contents as MarkupContent | string | Array<string | { value: string }> | { value: string };
    if (typeof contents === "string") return contents;
    if (Array.isArray(contents)) return contents.map((c) => (typeof c === "string" ? c : c.value)).join("\n");
    return contents.value;
}
