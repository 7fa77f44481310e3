/**
 * Just enough of the `vscode` API to activate the bundled extension
 * (dist/extension.js) in plain node, with the real vscode-languageclient
 * inside it talking to the real failcast binary. It records what the
 * extension and the client do to the editor — status bar text, diagnostics,
 * registered providers and commands, messages, trace output — so a test can
 * act as the user (open a document, click a code lens, change a setting) and
 * check what VS Code would show.
 *
 * VS Code itself cannot be downloaded here; this is not a substitute for
 * @vscode/test-electron, but it runs the shipped bundle and the real client.
 */

import * as fs from "node:fs";
import * as path from "node:path";
import { URI, Utils } from "vscode-uri";

type Listener<T> = (event: T) => unknown;

export class EventEmitter<T> {
    private listeners = new Set<Listener<T>>();
    readonly event = (listener: Listener<T>, thisArg?: unknown, disposables?: Disposable[]): Disposable => {
        const bound: Listener<T> = thisArg ? listener.bind(thisArg) : listener;
        this.listeners.add(bound);
        const disposable = new Disposable(() => this.listeners.delete(bound));
        disposables?.push(disposable);
        return disposable;
    };
    fire(event: T): void {
        for (const listener of [...this.listeners]) listener(event);
    }
    dispose(): void {
        this.listeners.clear();
    }
}

export class Disposable {
    static from(...items: Array<{ dispose(): unknown }>): Disposable {
        return new Disposable(() => items.forEach((item) => item.dispose()));
    }
    constructor(private readonly callback: () => unknown) {}
    dispose(): void {
        this.callback();
    }
}

export class Position {
    constructor(
        readonly line: number,
        readonly character: number,
    ) {}
    isBefore(other: Position): boolean {
        return this.line < other.line || (this.line === other.line && this.character < other.character);
    }
    isEqual(other: Position): boolean {
        return this.line === other.line && this.character === other.character;
    }
    translate(lineDelta = 0, characterDelta = 0): Position {
        return new Position(this.line + lineDelta, this.character + characterDelta);
    }
    with(line = this.line, character = this.character): Position {
        return new Position(line, character);
    }
}

export class Range {
    readonly start: Position;
    readonly end: Position;
    constructor(a: Position | number, b: Position | number, c?: number, d?: number) {
        this.start = typeof a === "number" ? new Position(a, b as number) : a;
        this.end = typeof a === "number" ? new Position(c!, d!) : (b as Position);
    }
    get isEmpty(): boolean {
        return this.start.isEqual(this.end);
    }
    contains(p: Position | Range): boolean {
        const pos = p instanceof Range ? p.start : p;
        return !pos.isBefore(this.start) && !this.end.isBefore(pos);
    }
}

export class Selection extends Range {
    constructor(
        readonly anchor: Position,
        readonly active: Position,
    ) {
        super(anchor, active);
    }
}

export class Location {
    constructor(
        readonly uri: URI,
        readonly range: Range,
    ) {}
}

export class MarkdownString {
    isTrusted?: boolean;
    supportHtml?: boolean;
    constructor(public value = "", public supportThemeIcons = false) {}
    appendMarkdown(text: string): this {
        this.value += text;
        return this;
    }
    appendText(text: string): this {
        this.value += text;
        return this;
    }
    appendCodeblock(code: string, language = ""): this {
        this.value += `\n\`\`\`${language}\n${code}\n\`\`\`\n`;
        return this;
    }
}

export class Hover {
    contents: Array<MarkdownString | string>;
    constructor(
        contents: MarkdownString | string | Array<MarkdownString | string>,
        public range?: Range,
    ) {
        this.contents = Array.isArray(contents) ? contents : [contents];
    }
}

export class Diagnostic {
    source?: string;
    code?: string | number | { value: string | number; target: URI };
    relatedInformation?: unknown[];
    tags?: number[];
    constructor(
        public range: Range,
        public message: string,
        public severity = 0,
    ) {}
}

export class DiagnosticRelatedInformation {
    constructor(
        readonly location: Location,
        readonly message: string,
    ) {}
}

export class CodeLens {
    constructor(
        public range: Range,
        public command?: { title: string; command: string; arguments?: unknown[] },
    ) {}
    get isResolved(): boolean {
        return this.command !== undefined;
    }
}

export class CodeActionKind {
    static readonly Empty = new CodeActionKind("");
    static readonly QuickFix = new CodeActionKind("quickfix");
    static readonly Refactor = new CodeActionKind("refactor");
    static readonly RefactorExtract = new CodeActionKind("refactor.extract");
    static readonly RefactorInline = new CodeActionKind("refactor.inline");
    static readonly RefactorRewrite = new CodeActionKind("refactor.rewrite");
    static readonly Source = new CodeActionKind("source");
    static readonly SourceOrganizeImports = new CodeActionKind("source.organizeImports");
    static readonly SourceFixAll = new CodeActionKind("source.fixAll");
    constructor(readonly value: string) {}
    append(part: string): CodeActionKind {
        return new CodeActionKind(this.value ? `${this.value}.${part}` : part);
    }
    contains(other: CodeActionKind): boolean {
        return this.value === "" || other.value === this.value || other.value.startsWith(`${this.value}.`);
    }
    intersects(other: CodeActionKind): boolean {
        return this.contains(other) || other.contains(this);
    }
}

export class CodeAction {
    edit?: WorkspaceEdit;
    command?: unknown;
    diagnostics?: Diagnostic[];
    isPreferred?: boolean;
    constructor(
        public title: string,
        public kind?: CodeActionKind,
    ) {}
}

export class TextEdit {
    static replace(range: Range, newText: string): TextEdit {
        return new TextEdit(range, newText);
    }
    static insert(position: Position, newText: string): TextEdit {
        return new TextEdit(new Range(position, position), newText);
    }
    constructor(
        public range: Range,
        public newText: string,
    ) {}
}

export class WorkspaceEdit {
    readonly operations: Array<{ kind: string; uri: URI; edit?: TextEdit; to?: URI }> = [];
    replace(uri: URI, range: Range, newText: string): void {
        this.operations.push({ kind: "edit", uri, edit: new TextEdit(range, newText) });
    }
    insert(uri: URI, position: Position, newText: string): void {
        this.operations.push({ kind: "edit", uri, edit: TextEdit.insert(position, newText) });
    }
    delete(uri: URI, range: Range): void {
        this.operations.push({ kind: "edit", uri, edit: new TextEdit(range, "") });
    }
    set(uri: URI, edits: TextEdit[]): void {
        for (const edit of edits) this.operations.push({ kind: "edit", uri, edit });
    }
    createFile(uri: URI): void {
        this.operations.push({ kind: "create", uri });
    }
    deleteFile(uri: URI): void {
        this.operations.push({ kind: "delete", uri });
    }
    renameFile(uri: URI, to: URI): void {
        this.operations.push({ kind: "rename", uri, to });
    }
    entries(): Array<[URI, TextEdit[]]> {
        const byUri = new Map<string, [URI, TextEdit[]]>();
        for (const op of this.operations) {
            if (!op.edit) continue;
            const key = op.uri.toString();
            if (!byUri.has(key)) byUri.set(key, [op.uri, []]);
            byUri.get(key)![1].push(op.edit);
        }
        return [...byUri.values()];
    }
    get size(): number {
        return this.entries().length;
    }
}

export class CancellationTokenSource {
    private readonly emitter = new EventEmitter<void>();
    readonly token = { isCancellationRequested: false, onCancellationRequested: this.emitter.event };
    cancel(): void {
        this.token.isCancellationRequested = true;
        this.emitter.fire();
    }
    dispose(): void {
        this.emitter.dispose();
    }
}

export class CancellationError extends Error {}

export class ThemeColor {
    constructor(readonly id: string) {}
}

export class RelativePattern {
    constructor(
        readonly base: unknown,
        readonly pattern: string,
    ) {}
}

export class SnippetString {
    constructor(public value = "") {}
}

export class Task {
    constructor(
        readonly definition: Record<string, unknown>,
        readonly scope: unknown,
        readonly name: string,
        readonly source: string,
        readonly execution: ProcessExecution,
    ) {}
}

export class ProcessExecution {
    constructor(
        readonly process: string,
        readonly args: string[],
        readonly options?: unknown,
    ) {}
}

/** An enum whose members are numbered on first use: enough for conversions nobody inspects. */
function numberedEnum(known: Record<string, number> = {}): Record<string, number> {
    let next = 100;
    return new Proxy(known, {
        get: (target, key: string) => (key in target ? target[key] : (target[key] = next++)),
    });
}

export interface FakeDocument {
    uri: URI;
    fileName: string;
    languageId: string;
    version: number;
    isClosed: boolean;
    isDirty: boolean;
    isUntitled: boolean;
    eol: number;
    lineCount: number;
    getText(range?: Range): string;
    lineAt(line: number): { text: string; range: Range };
    offsetAt(position: Position): number;
    positionAt(offset: number): Position;
    save(): Promise<boolean>;
}

export function makeDocument(uri: URI, languageId: string, text: string, version = 1): FakeDocument {
    const lines = () => text.split("\n");
    const offsetAt = (p: Position) =>
        lines()
            .slice(0, p.line)
            .reduce((sum, line) => sum + line.length + 1, 0) + p.character;
    const positionAt = (offset: number) => {
        const before = text.slice(0, offset).split("\n");
        return new Position(before.length - 1, before[before.length - 1].length);
    };
    return {
        uri,
        fileName: uri.fsPath,
        languageId,
        version,
        isClosed: false,
        isDirty: false,
        isUntitled: false,
        eol: 1,
        get lineCount() {
            return lines().length;
        },
        getText: (range?: Range) => (range ? text.slice(offsetAt(range.start), offsetAt(range.end)) : text),
        lineAt: (line: number) => ({ text: lines()[line], range: new Range(line, 0, line, lines()[line].length) }),
        offsetAt,
        positionAt,
        save: async () => true,
    };
}

export interface Recorded {
    messages: Array<{ level: "info" | "warning" | "error"; text: string; items: string[] }>;
    executedCommands: Array<{ command: string; args: unknown[] }>;
    tasks: Task[];
    outputs: Map<string, string>;
}

export interface FakeHost {
    api: Record<string, unknown>;
    recorded: Recorded;
    commands: Map<string, (...args: unknown[]) => unknown>;
    providers: Map<string, Array<{ selector: unknown; provider: Record<string, (...args: any[]) => any> }>>;
    contentProviders: Map<string, { provideTextDocumentContent(uri: URI): string }>;
    diagnostics: Map<string, Diagnostic[]>;
    statusBarItems: Array<{ id: string; text: string; tooltip: unknown; backgroundColor?: ThemeColor }>;
    settings: Map<string, unknown>;
    setActiveEditor(document: FakeDocument, position: Position): void;
    openDocument(document: FakeDocument): void;
    changeSetting(key: string, value: unknown): void;
    executeCommand(command: string, ...args: unknown[]): Promise<unknown>;
    dispose(): void;
}

/** The document selector semantics VS Code applies (scheme and language only). */
function matchScore(selector: unknown, document: FakeDocument): number {
    if (Array.isArray(selector)) return Math.max(0, ...selector.map((s) => matchScore(s, document)));
    if (typeof selector === "string") return selector === document.languageId || selector === "*" ? 10 : 0;
    if (selector && typeof selector === "object") {
        const filter = selector as { language?: string; scheme?: string; pattern?: unknown };
        if (filter.language && filter.language !== document.languageId) return 0;
        if (filter.scheme && filter.scheme !== document.uri.scheme) return 0;
        return 10;
    }
    return 0;
}

export function createFakeVscode(options: { workspaceFolder: string; packageJson: string }): FakeHost {
    const manifest = JSON.parse(fs.readFileSync(options.packageJson, "utf8"));
    const defaults: Record<string, unknown> = {};
    for (const [key, property] of Object.entries<{ default: unknown }>(manifest.contributes.configuration.properties)) {
        defaults[key] = property.default;
    }
    const settings = new Map<string, unknown>();
    const recorded: Recorded = { messages: [], executedCommands: [], tasks: [], outputs: new Map() };
    const commands = new Map<string, (...args: unknown[]) => unknown>();
    const providers = new Map<string, Array<{ selector: unknown; provider: Record<string, (...args: any[]) => any> }>>();
    const contentProviders = new Map<string, { provideTextDocumentContent(uri: URI): string }>();
    const diagnostics = new Map<string, Diagnostic[]>();
    const statusBarItems: FakeHost["statusBarItems"] = [];
    const documents: FakeDocument[] = [];
    let activeTextEditor: { document: FakeDocument; selection: Selection } | undefined;

    const onDidOpenTextDocument = new EventEmitter<FakeDocument>();
    const onDidCloseTextDocument = new EventEmitter<FakeDocument>();
    const onDidChangeTextDocument = new EventEmitter<unknown>();
    const onDidSaveTextDocument = new EventEmitter<FakeDocument>();
    const onWillSaveTextDocument = new EventEmitter<unknown>();
    const onDidChangeConfiguration = new EventEmitter<{ affectsConfiguration(section: string): boolean }>();
    const onDidChangeWorkspaceFolders = new EventEmitter<unknown>();
    const onDidChangeActiveTextEditor = new EventEmitter<unknown>();
    const onDidChangeVisibleTextEditors = new EventEmitter<unknown>();
    const onDidChangeTabs = new EventEmitter<unknown>();
    const onDidEndTaskProcess = new EventEmitter<unknown>();
    const emitters = [
        onDidOpenTextDocument,
        onDidCloseTextDocument,
        onDidChangeTextDocument,
        onDidSaveTextDocument,
        onWillSaveTextDocument,
        onDidChangeConfiguration,
        onDidChangeWorkspaceFolders,
        onDidChangeActiveTextEditor,
        onDidChangeVisibleTextEditors,
        onDidChangeTabs,
        onDidEndTaskProcess,
    ];

    const register = (kind: string) => (selector: unknown, provider: Record<string, (...args: any[]) => any>) => {
        if (!providers.has(kind)) providers.set(kind, []);
        providers.get(kind)!.push({ selector, provider });
        return new Disposable(() => providers.set(kind, (providers.get(kind) ?? []).filter((p) => p.provider !== provider)));
    };

    const outputChannel = (name: string) => {
        recorded.outputs.set(name, "");
        const add = (text: string) => recorded.outputs.set(name, (recorded.outputs.get(name) ?? "") + text);
        return {
            name,
            append: add,
            appendLine: (text: string) => add(`${text}\n`),
            replace: (text: string) => recorded.outputs.set(name, text),
            clear: () => recorded.outputs.set(name, ""),
            show: () => undefined,
            hide: () => undefined,
            dispose: () => undefined,
        };
    };

    const configuration = (section?: string) => {
        const full = (key: string) => (section ? `${section}.${key}` : key);
        const lookup = (key: string): unknown => {
            const name = full(key);
            if (settings.has(name)) return settings.get(name);
            if (name in defaults) return defaults[name];
            // A key inside an object-valued setting, e.g. trace.server.verbosity.
            const parts = name.split(".");
            for (let i = parts.length - 1; i > 0; i--) {
                const parent = parts.slice(0, i).join(".");
                const value = settings.has(parent) ? settings.get(parent) : defaults[parent];
                if (value !== null && typeof value === "object") {
                    let node: unknown = value;
                    for (const part of parts.slice(i)) node = node !== null && typeof node === "object" ? (node as Record<string, unknown>)[part] : undefined;
                    return node;
                }
            }
            // A nested read such as get("model") of failcast: assemble the object VS Code would return.
            const prefix = `${name}.`;
            const keys = new Set([...Object.keys(defaults), ...settings.keys()].filter((k) => k.startsWith(prefix)));
            if (keys.size === 0) return undefined;
            const object: Record<string, unknown> = {};
            for (const k of keys) object[k.slice(prefix.length)] = settings.has(k) ? settings.get(k) : defaults[k];
            return object;
        };
        return {
            get: (key: string, fallback?: unknown) => lookup(key) ?? fallback,
            has: (key: string) => lookup(key) !== undefined,
            inspect: (key: string) => ({
                key: full(key),
                defaultValue: defaults[full(key)],
                globalValue: settings.get(full(key)),
                workspaceValue: undefined,
                workspaceFolderValue: undefined,
            }),
            update: async (key: string, value: unknown) => {
                settings.set(full(key), value);
            },
        };
    };

    const show = (level: "info" | "warning" | "error") => async (text: string, ...items: unknown[]) => {
        recorded.messages.push({ level, text, items: items.filter((i): i is string => typeof i === "string") });
        return undefined;
    };

    const executeCommand = async (command: string, ...args: unknown[]): Promise<unknown> => {
        recorded.executedCommands.push({ command, args });
        const handler = commands.get(command);
        return handler ? handler(...args) : undefined;
    };

    const folder = { uri: URI.file(options.workspaceFolder), name: path.basename(options.workspaceFolder), index: 0 };

    const api: Record<string, unknown> = {
        version: "1.90.0",
        env: { language: "en", appName: "fake VS Code (failcast tests)", machineId: "test", sessionId: "test", openExternal: async () => true, uriScheme: "vscode" },
        Uri: Object.assign(URI, { joinPath: Utils.joinPath }),
        EventEmitter,
        Disposable,
        Position,
        Range,
        Selection,
        Location,
        MarkdownString,
        Hover,
        Diagnostic,
        DiagnosticRelatedInformation,
        CodeLens,
        CodeAction,
        CodeActionKind,
        TextEdit,
        WorkspaceEdit,
        CancellationTokenSource,
        CancellationError,
        ThemeColor,
        RelativePattern,
        SnippetString,
        Task,
        ProcessExecution,
        DiagnosticSeverity: { Error: 0, Warning: 1, Information: 2, Hint: 3 },
        DiagnosticTag: { Unnecessary: 1, Deprecated: 2 },
        StatusBarAlignment: { Left: 1, Right: 2 },
        ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
        ViewColumn: { Active: -1, Beside: -2, One: 1, Two: 2 },
        TaskScope: { Global: 1, Workspace: 2 },
        TextDocumentSaveReason: { Manual: 1, AfterDelay: 2, FocusOut: 3 },
        CodeActionTriggerKind: { Invoke: 1, Automatic: 2 },
        CompletionItemKind: numberedEnum(),
        CompletionItemTag: numberedEnum(),
        CompletionTriggerKind: numberedEnum(),
        SymbolKind: numberedEnum(),
        SymbolTag: numberedEnum(),
        SignatureHelpTriggerKind: numberedEnum(),
        DocumentHighlightKind: numberedEnum(),
        FoldingRangeKind: numberedEnum(),
        InlineCompletionTriggerKind: numberedEnum(),
        workspace: {
            workspaceFolders: [folder],
            name: folder.name,
            get textDocuments() {
                return documents;
            },
            getConfiguration: configuration,
            getWorkspaceFolder: () => folder,
            onDidOpenTextDocument: onDidOpenTextDocument.event,
            onDidCloseTextDocument: onDidCloseTextDocument.event,
            onDidChangeTextDocument: onDidChangeTextDocument.event,
            onDidSaveTextDocument: onDidSaveTextDocument.event,
            onWillSaveTextDocument: onWillSaveTextDocument.event,
            onDidChangeConfiguration: onDidChangeConfiguration.event,
            onDidChangeWorkspaceFolders: onDidChangeWorkspaceFolders.event,
            onDidCreateFiles: new EventEmitter().event,
            onDidDeleteFiles: new EventEmitter().event,
            onDidRenameFiles: new EventEmitter().event,
            onWillCreateFiles: new EventEmitter().event,
            onWillDeleteFiles: new EventEmitter().event,
            onWillRenameFiles: new EventEmitter().event,
            onDidOpenNotebookDocument: new EventEmitter().event,
            onDidCloseNotebookDocument: new EventEmitter().event,
            onDidChangeNotebookDocument: new EventEmitter().event,
            onDidSaveNotebookDocument: new EventEmitter().event,
            notebookDocuments: [],
            createFileSystemWatcher: () => ({
                onDidCreate: new EventEmitter().event,
                onDidChange: new EventEmitter().event,
                onDidDelete: new EventEmitter().event,
                dispose: () => undefined,
            }),
            registerTextDocumentContentProvider: (scheme: string, provider: { provideTextDocumentContent(uri: URI): string }) => {
                contentProviders.set(scheme, provider);
                return new Disposable(() => contentProviders.delete(scheme));
            },
            openTextDocument: async (uri: URI) => {
                const provider = contentProviders.get(uri.scheme);
                return makeDocument(uri, "plaintext", provider ? provider.provideTextDocumentContent(uri) : "");
            },
            applyEdit: async () => true,
            fs: { stat: async () => ({}) },
        },
        window: {
            get activeTextEditor() {
                return activeTextEditor;
            },
            visibleTextEditors: [],
            tabGroups: { all: [], onDidChangeTabs: onDidChangeTabs.event, onDidChangeTabGroups: new EventEmitter().event },
            onDidChangeActiveTextEditor: onDidChangeActiveTextEditor.event,
            onDidChangeVisibleTextEditors: onDidChangeVisibleTextEditors.event,
            createOutputChannel: outputChannel,
            createStatusBarItem: (id: string) => {
                const item = { id, text: "", tooltip: undefined as unknown, name: "", command: undefined as unknown, backgroundColor: undefined as ThemeColor | undefined, show: () => undefined, hide: () => undefined, dispose: () => undefined };
                statusBarItems.push(item);
                return item;
            },
            setStatusBarMessage: () => new Disposable(() => undefined),
            showInformationMessage: show("info"),
            showWarningMessage: show("warning"),
            showErrorMessage: show("error"),
            showQuickPick: async () => undefined,
            showTextDocument: async () => undefined,
            withProgress: async (_options: unknown, task: (progress: { report(): void }, token: unknown) => Promise<unknown>) =>
                task({ report: () => undefined }, new CancellationTokenSource().token),
        },
        languages: {
            match: (selector: unknown, document: FakeDocument) => matchScore(selector, document),
            createDiagnosticCollection: (name: string) => ({
                name,
                set: (uri: URI | Array<[URI, Diagnostic[]]>, items?: Diagnostic[]) => {
                    if (Array.isArray(uri)) for (const [u, d] of uri) diagnostics.set(u.toString(), d ?? []);
                    else diagnostics.set(uri.toString(), items ?? []);
                },
                delete: (uri: URI) => diagnostics.delete(uri.toString()),
                clear: () => diagnostics.clear(),
                get: (uri: URI) => diagnostics.get(uri.toString()),
                has: (uri: URI) => diagnostics.has(uri.toString()),
                forEach: (cb: (uri: URI, d: Diagnostic[]) => void) => diagnostics.forEach((d, u) => cb(URI.parse(u), d)),
                dispose: () => undefined,
            }),
            setTextDocumentLanguage: async (document: FakeDocument) => document,
        },
        commands: {
            registerCommand: (command: string, handler: (...args: unknown[]) => unknown) => {
                if (commands.has(command)) throw new Error(`command '${command}' already exists`);
                commands.set(command, handler);
                return new Disposable(() => commands.delete(command));
            },
            executeCommand,
            getCommands: async () => [...commands.keys()],
        },
        tasks: {
            executeTask: async (task: Task) => {
                recorded.tasks.push(task);
                return { task, terminate: () => undefined };
            },
            onDidEndTaskProcess: onDidEndTaskProcess.event,
        },
        extensions: { getExtension: () => undefined, all: [] },
    };
    // Every languages.registerXxxProvider: record the provider, keyed by Xxx.
    api.languages = new Proxy(api.languages as Record<string, unknown>, {
        get: (target, key: string) => {
            if (key in target) return target[key];
            const m = /^register(\w+?)(Provider|Support)?$/.exec(key);
            if (m) return register(m[1]);
            return undefined;
        },
    });

    // Anything else (CompletionItem, InlayHint, SymbolInformation, ... that the client
    // subclasses or builds only for features failcast does not offer) is a plain class.
    const generic = new Map<string, unknown>();
    const fullApi = new Proxy(api, {
        get: (target, key: string) => {
            if (key in target) return target[key];
            if (typeof key !== "string" || !/^[A-Z]/.test(key)) return undefined;
            if (!generic.has(key)) {
                generic.set(
                    key,
                    class {
                        readonly args: unknown[];
                        constructor(...args: unknown[]) {
                            this.args = args;
                        }
                    },
                );
            }
            return generic.get(key);
        },
    });

    return {
        api: fullApi,
        recorded,
        commands,
        providers,
        contentProviders,
        diagnostics,
        statusBarItems,
        settings,
        setActiveEditor(document, position) {
            activeTextEditor = { document, selection: new Selection(position, position) };
        },
        openDocument(document) {
            documents.push(document);
            onDidOpenTextDocument.fire(document);
        },
        changeSetting(key, value) {
            settings.set(key, value);
            onDidChangeConfiguration.fire({ affectsConfiguration: (section: string) => key === section || key.startsWith(`${section}.`) });
        },
        executeCommand,
        dispose() {
            emitters.forEach((e) => e.dispose());
        },
    };
}
