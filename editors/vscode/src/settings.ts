/**
 * The mapping from VS Code's `failcast.*` settings (camelCase, VS Code
 * convention) to the object the server reads: the keys and nesting of
 * `failcast.toml`, in snake_case.
 *
 * This module imports nothing from `vscode`, so the mapping is unit-tested in
 * plain node. The table below is the single source of truth for which
 * settings exist; a test checks that `package.json` contributes exactly these,
 * with the same defaults.
 */

export type SettingValue = string | number | boolean | string[] | Record<string, string> | null;

export interface ServerSetting {
    /** Key under `failcast.` in VS Code, e.g. `model.maxPromptTokens`. */
    readonly key: string;
    /** Path in `failcast.toml`, e.g. `model.max_prompt_tokens`. */
    readonly toml: string;
    /** The server's default, as written in `failcast.toml`'s documentation. */
    readonly default: SettingValue;
}

export const FAILURE_CLASSES = [
    "index_out_of_range",
    "null_or_none",
    "key_missing",
    "division_by_zero",
    "parse_error",
    "type_error",
    "timeout",
    "network_error",
    "race_condition",
    "overflow",
    "encoding",
    "timezone_dst",
    "resource_exhaustion",
    "assertion",
    "other",
] as const;

export const SEVERITIES = ["error", "warning", "information", "hint", "off"] as const;

/** Language names as `failcast.toml`'s `files.languages` spells them. */
export const FILE_LANGUAGES = ["rust", "python", "typescript", "tsx", "javascript", "go", "java"] as const;

/** LSP language ids the server serves: the extension's document selector. */
export const LSP_LANGUAGE_IDS = [
    "rust",
    "python",
    "typescript",
    "typescriptreact",
    "javascript",
    "javascriptreact",
    "go",
    "java",
] as const;

export const MODEL_CATALOG = ["smollm2-135m", "qwen2.5-coder-0.5b", "qwen2.5-coder-1.5b"] as const;

export const SERVER_SETTINGS: readonly ServerSetting[] = [
    { key: "model.name", toml: "model.name", default: "smollm2-135m" },
    { key: "model.path", toml: "model.path", default: "" },
    { key: "model.backend", toml: "model.backend", default: "embedded" },
    { key: "model.endpoint", toml: "model.endpoint", default: "" },
    { key: "model.remoteModel", toml: "model.remote_model", default: "" },
    { key: "model.apiKeyEnv", toml: "model.api_key_env", default: "FAILCAST_API_KEY" },
    { key: "model.timeoutMs", toml: "model.timeout_ms", default: 30000 },
    { key: "model.retries", toml: "model.retries", default: 2 },
    { key: "model.fallback", toml: "model.fallback", default: "embedded" },
    { key: "model.threads", toml: "model.threads", default: 0 },
    { key: "model.maxPromptTokens", toml: "model.max_prompt_tokens", default: 1536 },
    { key: "model.maxOutputTokens", toml: "model.max_output_tokens", default: 320 },
    { key: "model.queueCapacity", toml: "model.queue_capacity", default: 64 },
    { key: "model.lora", toml: "model.lora", default: "" },
    { key: "model.loraScale", toml: "model.lora_scale", default: 1.0 },
    // null: the server uses the model's own weight.
    { key: "model.rankWeight", toml: "model.rank_weight", default: null },
    { key: "predict.debounceMs", toml: "predict.debounce_ms", default: 300 },
    { key: "predict.traceDepth", toml: "predict.trace_depth", default: 3 },
    { key: "severity.latent", toml: "severity.latent", default: "information" },
    { key: "severity.manifest", toml: "severity.manifest", default: "warning" },
    // Its keys are failure class names, already snake_case: they pass through unchanged.
    { key: "severity.classes", toml: "severity.classes", default: {} },
    { key: "severity.maxPerFunction", toml: "severity.max_per_function", default: 3 },
    { key: "files.languages", toml: "files.languages", default: [...FILE_LANGUAGES] },
    { key: "files.ignore", toml: "files.ignore", default: [] },
    { key: "files.includeTests", toml: "files.include_tests", default: false },
    { key: "corpus.path", toml: "corpus.path", default: ".failcast/corpus.db" },
];

/** Settings the extension itself consumes; they are never sent to the server. */
export const EXTENSION_SETTINGS = ["server.path", "server.extraEnv", "trace.server"] as const;

/**
 * What VS Code knows of one setting: its effective value, and whether a user,
 * workspace or folder set it (as opposed to the contributed default).
 */
export interface SettingReading {
    value: unknown;
    isSet: boolean;
}

export type ReadSetting = (key: string) => SettingReading;

export interface MapOptions {
    /**
     * Send defaults for settings nobody set. Off by default: the server layers
     * `failcast.toml` under the client's settings, so a default sent from here
     * would silently override the workspace's `failcast.toml`.
     */
    includeDefaults?: boolean;
}

export type ServerSettings = Record<string, unknown>;

/** camelCase → snake_case: `maxPromptTokens` → `max_prompt_tokens`. */
export function snakeCase(name: string): string {
    return name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").replace(/([A-Z])([A-Z][a-z])/g, "$1_$2").toLowerCase();
}

/**
 * Builds the snake_case object the server receives as `initializationOptions`
 * and inside `{"settings": {"failcast": …}}` of `workspace/didChangeConfiguration`.
 * Only settings somebody set are included unless `includeDefaults` is given.
 */
export function toServerSettings(read: ReadSetting, options: MapOptions = {}): ServerSettings {
    const out: ServerSettings = {};
    for (const setting of SERVER_SETTINGS) {
        const reading = read(setting.key);
        let value: unknown;
        if (reading.isSet && reading.value !== undefined && reading.value !== null) {
            value = reading.value;
        } else if (options.includeDefaults) {
            value = reading.value ?? setting.default;
            // A null default leaves the choice to the server.
            if (value === null) continue;
        } else {
            continue;
        }
        setPath(out, setting.toml, clone(value));
    }
    return out;
}

/**
 * A `ReadSetting` over a plain nested camelCase object, the shape of
 * `workspace.getConfiguration("failcast")` and of a `settings.json` section.
 * Every key present counts as set.
 */
export function readFromObject(settings: Record<string, unknown>): ReadSetting {
    return (key) => {
        let node: unknown = settings;
        for (const part of key.split(".")) {
            if (node === null || typeof node !== "object" || !(part in (node as object))) {
                return { value: undefined, isSet: false };
            }
            node = (node as Record<string, unknown>)[part];
        }
        return { value: node, isSet: node !== undefined };
    };
}

/**
 * The answer to a `workspace/configuration` item for a section under
 * `failcast` (`failcast`, `failcast.model`, `failcast.model.max_prompt_tokens`),
 * taken from the mapped object. Returns `undefined` for sections that are not
 * failcast's, so the caller falls back to VS Code's own answer.
 */
export function configurationSection(mapped: ServerSettings, section: string | undefined): { value: unknown } | undefined {
    if (section === undefined) return undefined;
    if (section === "failcast") return { value: mapped };
    if (!section.startsWith("failcast.")) return undefined;
    let node: unknown = mapped;
    for (const part of section.slice("failcast.".length).split(".")) {
        if (node === null || typeof node !== "object") return { value: null };
        node = (node as Record<string, unknown>)[part];
    }
    return { value: node ?? null };
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
    const parts = path.split(".");
    let node = target;
    for (const part of parts.slice(0, -1)) {
        const next = node[part];
        if (next === undefined || next === null || typeof next !== "object") {
            node[part] = {};
        }
        node = node[part] as Record<string, unknown>;
    }
    node[parts[parts.length - 1]] = value;
}

function clone<T>(value: T): T {
    return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}
