/**
 * The engine state shown in the status bar, reduced from what the server and
 * the language client report: `failcast/status` notifications, `$/progress`
 * work-done progress, and the client's own start/stop. Pure functions, no
 * `vscode` import, so every transition is unit-tested.
 */

export type ServerState = "loading" | "ready" | "static" | "error";

/** The params of the server's `failcast/status` notification. */
export interface StatusParams {
    state: ServerState;
    message: string;
    model?: string;
}

export type EngineState = "starting" | ServerState | "stopped" | "notFound";

export interface ProgressEntry {
    title: string;
    message?: string;
    percentage?: number;
}

export interface StatusModel {
    engine: EngineState;
    message: string;
    model?: string;
    /** Work-done progress in flight, by token, in the order it began. */
    progress: ReadonlyArray<readonly [string, ProgressEntry]>;
}

export type WorkDoneProgressValue =
    | { kind: "begin"; title: string; message?: string; percentage?: number }
    | { kind: "report"; message?: string; percentage?: number }
    | { kind: "end"; message?: string };

export type StatusEvent =
    | { type: "clientStarting" }
    | { type: "clientRunning" }
    | { type: "clientStopped" }
    | { type: "clientFailed"; message: string }
    | { type: "serverNotFound"; message: string }
    | { type: "status"; params: unknown }
    | { type: "progress"; token: string | number; value: WorkDoneProgressValue };

export const INITIAL_STATUS: StatusModel = { engine: "starting", message: "Starting the failcast server", progress: [] };

const SERVER_STATES: readonly ServerState[] = ["loading", "ready", "static", "error"];

/** Validates untrusted notification params; unknown states are ignored. */
export function parseStatusParams(params: unknown): StatusParams | undefined {
    if (params === null || typeof params !== "object") return undefined;
    const { state, message, model } = params as Record<string, unknown>;
    if (typeof state !== "string" || !SERVER_STATES.includes(state as ServerState)) return undefined;
    return {
        state: state as ServerState,
        message: typeof message === "string" ? message : "",
        model: typeof model === "string" && model !== "" ? model : undefined,
    };
}

export function reduceStatus(model: StatusModel, event: StatusEvent): StatusModel {
    switch (event.type) {
        case "clientStarting":
            return { engine: "starting", message: "Starting the failcast server", model: model.model, progress: [] };
        case "clientRunning":
            // The server's own `failcast/status` is more precise; keep it if one already came.
            return model.engine === "starting" ? { ...model, engine: "ready", message: "Server running" } : model;
        case "clientStopped":
            return { engine: "stopped", message: "The failcast server is not running", model: model.model, progress: [] };
        case "clientFailed":
            return { engine: "error", message: event.message, model: model.model, progress: [] };
        case "serverNotFound":
            return { engine: "notFound", message: event.message, progress: [] };
        case "status": {
            const params = parseStatusParams(event.params);
            if (!params) return model;
            return { ...model, engine: params.state, message: params.message, model: params.model ?? model.model };
        }
        case "progress": {
            const token = String(event.token);
            const value = event.value;
            const others = model.progress.filter(([t]) => t !== token);
            if (value.kind === "begin") {
                return { ...model, progress: [...others, [token, { title: value.title, message: value.message, percentage: value.percentage }]] };
            }
            const current = model.progress.find(([t]) => t === token);
            if (value.kind === "report") {
                if (!current) return model;
                const entry: ProgressEntry = {
                    title: current[1].title,
                    message: value.message ?? current[1].message,
                    percentage: value.percentage ?? current[1].percentage,
                };
                return { ...model, progress: model.progress.map(([t, e]) => (t === token ? [t, entry] : [t, e])) };
            }
            return current ? { ...model, progress: others } : model;
        }
    }
}

export interface StatusView {
    /** Status bar text with `$(icon)` codicons. */
    text: string;
    tooltip: string;
    /** Background emphasis: VS Code only offers error and warning colours. */
    emphasis?: "error" | "warning";
}

function stripPrefix(title: string): string {
    return title.replace(/^failcast:\s*/i, "");
}

export function statusView(model: StatusModel): StatusView {
    const modelName = model.model ? ` (${model.model})` : "";
    const details = model.message ? `\n${model.message}` : "";
    const latest = model.progress[model.progress.length - 1];
    if (latest && model.engine !== "error" && model.engine !== "notFound") {
        const [, entry] = latest;
        const pct = entry.percentage !== undefined ? ` ${Math.round(entry.percentage)}%` : "";
        const tooltipLines = model.progress.map(([, e]) => `${e.title}${e.message ? `: ${e.message}` : ""}`);
        return {
            text: `$(sync~spin) failcast: ${stripPrefix(entry.title)}${pct}`,
            tooltip: `${tooltipLines.join("\n")}\nClick for failcast commands`,
        };
    }
    const click = "\nClick for failcast commands";
    switch (model.engine) {
        case "starting":
            return { text: "$(sync~spin) failcast", tooltip: `failcast: starting${details}${click}` };
        case "loading":
            return { text: "$(sync~spin) failcast: loading model", tooltip: `failcast: loading model${modelName}${details}${click}` };
        case "ready":
            return { text: "$(pulse) failcast", tooltip: `failcast: ready${modelName}${details}${click}` };
        case "static":
            return {
                text: "$(circle-outline) failcast: static only",
                tooltip: `failcast: no model, static predictions only${details}${click}`,
            };
        case "error":
            return { text: "$(error) failcast: error", tooltip: `failcast: error${details}${click}`, emphasis: "error" };
        case "stopped":
            return { text: "$(circle-slash) failcast: stopped", tooltip: `failcast: server stopped${details}${click}` };
        case "notFound":
            return { text: "$(error) failcast: no server", tooltip: `failcast: server binary not found${details}${click}`, emphasis: "error" };
    }
}
