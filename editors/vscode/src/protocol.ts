/**
 * failcast's additions to LSP as the extension uses them: the server's
 * command names and argument shapes, the `failcast/status` notification, and
 * the `model fetch` command line. No `vscode` import: unit-tested in node.
 */

/** Commands the server executes via `workspace/executeCommand`. */
export const SERVER_COMMANDS = {
    predict: "failcast.predict",
    showTrace: "failcast.showTrace",
    restartEngine: "failcast.restartEngine",
} as const;

/** Commands the extension contributes (distinct ids: the language client registers the server's). */
export const EXTENSION_COMMANDS = {
    restartServer: "failcast.restartServer",
    predictNow: "failcast.predictNow",
    showTraces: "failcast.showTraces",
    fetchModel: "failcast.fetchModel",
    showOutput: "failcast.showOutput",
    statusMenu: "failcast.statusMenu",
} as const;

export const STATUS_NOTIFICATION = "failcast/status";

export interface Position {
    line: number;
    character: number;
}

/** `failcast.predict` arguments: predict now for a file, function under the cursor first. */
export function predictArguments(uri: string, position?: Position): [{ uri: string; position?: Position }] {
    return [position ? { uri, position } : { uri }];
}

/** `failcast.showTrace` arguments for a cursor position. */
export function showTraceArguments(uri: string, position: Position): [{ uri: string; position: Position }] {
    return [{ uri, position }];
}

/** The `{ markdown }` result of `failcast.showTrace`, or undefined when it holds nothing to show. */
export function traceMarkdown(result: unknown): string | undefined {
    if (result === null || typeof result !== "object") return undefined;
    const markdown = (result as { markdown?: unknown }).markdown;
    return typeof markdown === "string" && markdown.trim() !== "" ? markdown : undefined;
}

/** The `uri` of the first `failcast.showTrace` argument, if any. */
export function traceSource(args: readonly unknown[] | undefined): string | undefined {
    const first = args?.[0];
    if (first === null || typeof first !== "object") return undefined;
    const uri = (first as { uri?: unknown }).uri;
    return typeof uri === "string" ? uri : undefined;
}

/** The argv that downloads a catalog model: `<server> model fetch <name>`. */
export function fetchModelArgs(name: string): string[] {
    return ["model", "fetch", name];
}

/** The argv that runs the language server over stdio. */
export const SERVER_ARGS: readonly string[] = ["lsp"];

/**
 * The server process environment: the extension host's, plus
 * `failcast.server.extraEnv` (non-string values are ignored, since a process
 * environment holds strings only).
 */
export function serverEnvironment(
    base: Readonly<Record<string, string | undefined>>,
    extra: unknown,
): Record<string, string> {
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(base)) {
        if (value !== undefined) env[key] = value;
    }
    if (extra !== null && typeof extra === "object") {
        for (const [key, value] of Object.entries(extra as Record<string, unknown>)) {
            if (typeof value === "string") env[key] = value;
            else if (typeof value === "number" || typeof value === "boolean") env[key] = String(value);
        }
    }
    return env;
}
