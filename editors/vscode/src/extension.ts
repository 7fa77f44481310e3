/**
 * The failcast VS Code extension: finds the server, starts it through
 * `vscode-languageclient`, keeps it fed with settings, shows the engine state
 * in the status bar and adds the commands of the palette.
 *
 * The logic worth testing lives in modules without a `vscode` import
 * (`discovery`, `settings`, `status`, `protocol`); this file wires them to
 * the editor.
 */

import * as os from "node:os";
import * as vscode from "vscode";
import {
    CloseAction,
    DidChangeConfigurationNotification,
    ErrorAction,
    ExecuteCommandRequest,
    LanguageClient,
    RevealOutputChannelOn,
    State,
    type LanguageClientOptions,
    type Middleware,
    type ServerOptions,
} from "vscode-languageclient/node";

import { describeAttempt, discoverServer, ignoredExplicitCandidates, type Discovery } from "./discovery";
import { nodeDiscoveryDeps } from "./nodeDeps";
import { RestartPolicy } from "./restarts";
import {
    EXTENSION_COMMANDS,
    SERVER_ARGS,
    SERVER_COMMANDS,
    STATUS_NOTIFICATION,
    fetchModelArgs,
    predictArguments,
    serverEnvironment,
    showTraceArguments,
    traceMarkdown,
    traceSource,
} from "./protocol";
import { LSP_LANGUAGE_IDS, MODEL_CATALOG, SERVER_SETTINGS, configurationSection, toServerSettings, type ServerSettings } from "./settings";
import { INITIAL_STATUS, reduceStatus, statusView, type StatusEvent, type StatusModel } from "./status";
import { TRACE_SCHEME, TraceDocuments } from "./traceDocuments";

const SECTION = "failcast";

let controller: ServerController | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
    const output = vscode.window.createOutputChannel("failcast");
    const traceOutput = vscode.window.createOutputChannel("failcast (LSP trace)");
    const statusBar = new StatusBar();
    const traces = new TraceDocuments();
    controller = new ServerController(context, output, traceOutput, statusBar, traces);
    const server = controller;

    context.subscriptions.push(
        output,
        traceOutput,
        statusBar,
        traces,
        vscode.workspace.registerTextDocumentContentProvider(TRACE_SCHEME, traces),
        vscode.commands.registerCommand(EXTENSION_COMMANDS.restartServer, () => server.restart()),
        vscode.commands.registerCommand(EXTENSION_COMMANDS.predictNow, () => server.predictNow()),
        vscode.commands.registerCommand(EXTENSION_COMMANDS.showTraces, () => server.showTraces()),
        vscode.commands.registerCommand(EXTENSION_COMMANDS.fetchModel, () => server.fetchModel()),
        vscode.commands.registerCommand(EXTENSION_COMMANDS.showOutput, () => output.show(true)),
        vscode.commands.registerCommand(EXTENSION_COMMANDS.statusMenu, () => server.statusMenu()),
        vscode.workspace.onDidChangeConfiguration((event) => server.onConfigurationChanged(event)),
    );

    await server.start();
}

export async function deactivate(): Promise<void> {
    await controller?.stop();
    controller = undefined;
}

/** Reads `failcast.*` from VS Code, telling set values from contributed defaults. */
export function currentServerSettings(): ServerSettings {
    const config = vscode.workspace.getConfiguration(SECTION);
    return toServerSettings((key) => {
        const info = config.inspect(key);
        const isSet =
            info !== undefined &&
            [info.globalValue, info.workspaceValue, info.workspaceFolderValue].some((value) => value !== undefined);
        return { value: config.get(key), isSet };
    });
}

class StatusBar implements vscode.Disposable {
    private readonly item = vscode.window.createStatusBarItem("failcast.status", vscode.StatusBarAlignment.Right, 100);
    private model: StatusModel = INITIAL_STATUS;

    constructor() {
        this.item.name = "failcast";
        this.item.command = EXTENSION_COMMANDS.statusMenu;
        this.render();
        this.item.show();
    }

    apply(event: StatusEvent): void {
        this.model = reduceStatus(this.model, event);
        this.render();
    }

    private render(): void {
        const view = statusView(this.model);
        this.item.text = view.text;
        this.item.tooltip = view.tooltip;
        this.item.backgroundColor =
            view.emphasis === undefined ? undefined : new vscode.ThemeColor(`statusBarItem.${view.emphasis}Background`);
    }

    dispose(): void {
        this.item.dispose();
    }
}

class ServerController {
    private client: LanguageClient | undefined;
    private discovery: Discovery | undefined;
    private starting: Promise<void> | undefined;
    private readonly restarts = new RestartPolicy();

    constructor(
        private readonly context: vscode.ExtensionContext,
        private readonly output: vscode.OutputChannel,
        private readonly traceOutput: vscode.OutputChannel,
        private readonly statusBar: StatusBar,
        private readonly traces: TraceDocuments,
    ) {}

    start(): Promise<void> {
        this.starting ??= this.doStart().finally(() => {
            this.starting = undefined;
        });
        return this.starting;
    }

    private async doStart(): Promise<void> {
        this.statusBar.apply({ type: "clientStarting" });
        const discovery = await this.discover();
        if (!discovery.ok) {
            this.statusBar.apply({ type: "serverNotFound", message: discovery.message });
            void this.reportMissingServer(discovery.message);
            return;
        }

        const config = vscode.workspace.getConfiguration(SECTION);
        const env = serverEnvironment(process.env, config.get("server.extraEnv"));
        const executable = { command: discovery.path, args: [...SERVER_ARGS], options: { env } };
        const serverOptions: ServerOptions = { run: executable, debug: executable };
        const clientOptions: LanguageClientOptions = {
            documentSelector: LSP_LANGUAGE_IDS.flatMap((language) => [
                { scheme: "file", language },
                { scheme: "untitled", language },
            ]),
            // A function, so a restart sends the settings of that moment.
            initializationOptions: () => currentServerSettings(),
            outputChannel: this.output,
            traceOutputChannel: this.traceOutput,
            revealOutputChannelOn: RevealOutputChannelOn.Never,
            middleware: this.middleware(),
            // Write errors from a dying process are not the verdict; its end is.
            errorHandler: {
                error: () => ({ action: ErrorAction.Continue, handled: true }),
                closed: () => {
                    const decision = this.restarts.closed(Date.now());
                    if (decision.restart) {
                        this.output.appendLine("failcast: the server stopped; starting it again");
                        return { action: CloseAction.Restart, handled: true };
                    }
                    return { action: CloseAction.DoNotRestart, message: decision.message };
                },
            },
        };

        const client = new LanguageClient(SECTION, "failcast", serverOptions, clientOptions);
        this.client = client;
        client.onDidChangeState((change) => {
            if (this.client !== client) return;
            if (change.newState === State.Starting) this.statusBar.apply({ type: "clientStarting" });
            else if (change.newState === State.Running) this.statusBar.apply({ type: "clientRunning" });
            else this.statusBar.apply({ type: "clientStopped" });
        });
        client.onNotification(STATUS_NOTIFICATION, (params: unknown) => {
            this.statusBar.apply({ type: "status", params });
        });

        try {
            await client.start();
        } catch (error) {
            const message = `failcast: the server at ${discovery.path} failed to start: ${errorMessage(error)}`;
            this.output.appendLine(message);
            this.statusBar.apply({ type: "clientFailed", message });
            void vscode.window.showErrorMessage(message, "Show Output").then((choice) => {
                if (choice) this.output.show(true);
            });
        }
    }

    private async discover(): Promise<Discovery> {
        const config = vscode.workspace.getConfiguration(SECTION);
        const discovery = await discoverServer(
            {
                settingPath: config.get<string>("server.path") ?? "",
                extensionPath: this.context.extensionPath,
                workspaceFolder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
                homeDir: os.homedir(),
            },
            nodeDiscoveryDeps(),
        );
        this.discovery = discovery;
        for (const attempt of discovery.attempts) {
            this.output.appendLine(`server discovery: ${describeAttempt(attempt)}`);
        }
        if (discovery.ok) {
            this.output.appendLine(`using failcast ${discovery.version} at ${discovery.path}`);
            const ignored = ignoredExplicitCandidates(discovery);
            if (ignored.length > 0) {
                void vscode.window.showWarningMessage(
                    `failcast: ${ignored.map(describeAttempt).join("; ")}. Using ${discovery.path} instead.`,
                    "Open Settings",
                ).then((choice) => {
                    if (choice) void openServerPathSetting();
                });
            }
        }
        return discovery;
    }

    private async reportMissingServer(message: string): Promise<void> {
        this.output.appendLine(message);
        const choice = await vscode.window.showErrorMessage(message, "Open Settings", "Show Output");
        if (choice === "Open Settings") await openServerPathSetting();
        else if (choice === "Show Output") this.output.show(true);
    }

    private middleware(): Middleware {
        return {
            // Code lenses carry `failcast.showTrace`; VS Code would drop its result, so show it.
            executeCommand: async (command, args, next) => {
                const result = await next(command, args);
                if (command === SERVER_COMMANDS.showTrace) {
                    await this.presentTrace(result, traceSource(args));
                }
                return result;
            },
            workspace: {
                // A server that pulls `failcast` settings gets the snake_case shape, not VS Code's camelCase.
                configuration: async (params, token, next) => {
                    const answers = await next(params, token);
                    if (!Array.isArray(answers)) return answers;
                    const mapped = currentServerSettings();
                    return params.items.map((item, index) => {
                        const own = configurationSection(mapped, item.section);
                        return own === undefined ? answers[index] : own.value;
                    });
                },
            },
            handleWorkDoneProgress: (token, params, next) => {
                this.statusBar.apply({ type: "progress", token, value: params });
                next(token, params);
            },
        };
    }

    async stop(): Promise<void> {
        const client = this.client;
        this.client = undefined;
        if (client === undefined) return;
        try {
            if (client.needsStop()) await client.stop(5000);
        } catch (error) {
            this.output.appendLine(`failcast: stopping the server failed: ${errorMessage(error)}`);
        }
        await client.dispose().catch(() => undefined);
        this.statusBar.apply({ type: "clientStopped" });
    }

    async restart(): Promise<void> {
        this.restarts.reset();
        if (this.starting) await this.starting;
        await this.stop();
        await this.start();
    }

    onConfigurationChanged(event: vscode.ConfigurationChangeEvent): void {
        if (!event.affectsConfiguration(SECTION)) return;
        if (event.affectsConfiguration(`${SECTION}.server`)) {
            // A different binary or environment needs a new process.
            this.output.appendLine("failcast.server.* changed: restarting the server");
            void this.restart();
            return;
        }
        // failcast.trace.server is the language client's own business.
        if (!SERVER_SETTINGS.some((setting) => event.affectsConfiguration(`${SECTION}.${setting.key}`))) return;
        const client = this.client;
        if (client?.isRunning()) {
            void client
                .sendNotification(DidChangeConfigurationNotification.type, { settings: { failcast: currentServerSettings() } })
                .catch((error: unknown) => this.output.appendLine(`failcast: sending settings failed: ${errorMessage(error)}`));
        }
    }

    private runningClient(): LanguageClient | undefined {
        const client = this.client;
        if (client?.isRunning()) return client;
        void vscode.window.showWarningMessage("failcast: the server is not running.", "Restart Server", "Show Output").then((choice) => {
            if (choice === "Restart Server") void this.restart();
            else if (choice === "Show Output") this.output.show(true);
        });
        return undefined;
    }

    private servedEditor(): vscode.TextEditor | undefined {
        const editor = vscode.window.activeTextEditor;
        if (editor && (LSP_LANGUAGE_IDS as readonly string[]).includes(editor.document.languageId)) return editor;
        void vscode.window.showInformationMessage(
            `failcast: open a file in one of ${LSP_LANGUAGE_IDS.join(", ")} and put the cursor in a function.`,
        );
        return undefined;
    }

    async predictNow(): Promise<void> {
        const editor = this.servedEditor();
        const client = editor && this.runningClient();
        if (!editor || !client) return;
        const uri = client.code2ProtocolConverter.asUri(editor.document.uri);
        const position = client.code2ProtocolConverter.asPosition(editor.selection.active);
        try {
            await client.sendRequest(ExecuteCommandRequest.type, {
                command: SERVER_COMMANDS.predict,
                arguments: predictArguments(uri, position),
            });
            vscode.window.setStatusBarMessage("failcast: prediction requested", 3000);
        } catch (error) {
            void vscode.window.showErrorMessage(`failcast: predict failed: ${errorMessage(error)}`);
        }
    }

    async showTraces(): Promise<void> {
        const editor = this.servedEditor();
        const client = editor && this.runningClient();
        if (!editor || !client) return;
        const uri = client.code2ProtocolConverter.asUri(editor.document.uri);
        const position = client.code2ProtocolConverter.asPosition(editor.selection.active);
        try {
            const result: unknown = await client.sendRequest(ExecuteCommandRequest.type, {
                command: SERVER_COMMANDS.showTrace,
                arguments: showTraceArguments(uri, position),
            });
            await this.presentTrace(result, uri);
        } catch (error) {
            void vscode.window.showErrorMessage(`failcast: showing traces failed: ${errorMessage(error)}`);
        }
    }

    private async presentTrace(result: unknown, source: string | undefined): Promise<void> {
        const markdown = traceMarkdown(result);
        if (markdown === undefined) {
            void vscode.window.showInformationMessage("failcast: no predicted failures for this function yet.");
            return;
        }
        await this.traces.show(markdown, source);
    }

    async fetchModel(): Promise<void> {
        const current = vscode.workspace.getConfiguration(SECTION).get<string>("model.name") ?? MODEL_CATALOG[0];
        const picked = await vscode.window.showQuickPick(
            MODEL_CATALOG.map((name) => ({ label: name, description: name === current ? "current setting" : undefined })),
            { title: "failcast: fetch which model?", placeHolder: current },
        );
        if (!picked) return;
        const discovery = this.discovery?.ok ? this.discovery : await this.discover();
        if (!discovery.ok) {
            void this.reportMissingServer(discovery.message);
            return;
        }
        const env = serverEnvironment(process.env, vscode.workspace.getConfiguration(SECTION).get("server.extraEnv"));
        const task = new vscode.Task(
            { type: "failcast", task: "fetchModel", model: picked.label },
            vscode.TaskScope.Workspace,
            `fetch model ${picked.label}`,
            "failcast",
            new vscode.ProcessExecution(discovery.path, fetchModelArgs(picked.label), { env }),
        );
        const execution = await vscode.tasks.executeTask(task);
        const listener = vscode.tasks.onDidEndTaskProcess((event) => {
            if (event.execution !== execution) return;
            listener.dispose();
            if (event.exitCode === 0) {
                void vscode.window
                    .showInformationMessage(`failcast: model ${picked.label} fetched.`, "Restart Server")
                    .then((choice) => {
                        if (choice) void this.restart();
                    });
            } else {
                void vscode.window.showErrorMessage(`failcast: fetching ${picked.label} failed (exit code ${event.exitCode}); see the terminal.`);
            }
        });
        this.context.subscriptions.push(listener);
    }

    async statusMenu(): Promise<void> {
        const items: Array<vscode.QuickPickItem & { run: () => unknown }> = [
            { label: "$(output) Show output", run: () => this.output.show(true) },
            { label: "$(play) Predict now", description: "function under the cursor", run: () => this.predictNow() },
            { label: "$(debug-stackframe) Show traces", description: "function under the cursor", run: () => this.showTraces() },
            { label: "$(refresh) Restart engine", description: "reload the model, keep the server", run: () => this.restartEngine() },
            { label: "$(debug-restart) Restart server", run: () => this.restart() },
            { label: "$(cloud-download) Fetch model…", run: () => this.fetchModel() },
            { label: "$(gear) Open settings", run: () => vscode.commands.executeCommand("workbench.action.openSettings", "@ext:failcast.failcast") },
        ];
        const picked = await vscode.window.showQuickPick(items, { title: "failcast" });
        await picked?.run();
    }

    private async restartEngine(): Promise<void> {
        const client = this.runningClient();
        if (!client) return;
        try {
            await client.sendRequest(ExecuteCommandRequest.type, { command: SERVER_COMMANDS.restartEngine, arguments: [] });
        } catch (error) {
            void vscode.window.showErrorMessage(`failcast: restarting the engine failed: ${errorMessage(error)}`);
        }
    }
}

async function openServerPathSetting(): Promise<void> {
    await vscode.commands.executeCommand("workbench.action.openSettings", "failcast.server.path");
}

function errorMessage(error: unknown): string {
    return error instanceof Error ? error.message : String(error);
}
