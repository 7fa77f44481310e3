/**
 * Finding a working `failcast` binary.
 *
 * Candidates are tried in a fixed order — the `failcast.server.path` setting,
 * the `FAILCAST_SERVER` environment variable, a binary bundled inside the
 * extension for this platform (`server/<platform>-<arch>/failcast[.exe]`, put
 * there by `npm run package:<target>`), then `failcast` on `PATH` — and each
 * one counts only if `<candidate> --version` prints `failcast <semver>` in
 * time. Nothing here imports `vscode`: the file system, the environment and
 * process execution are injected, so the order and the messages are
 * unit-tested without an editor.
 */

import * as path from "node:path";

export type CandidateSource = "setting" | "env" | "bundled" | "path";

export interface ExecResult {
    /** Exit code, or null when the process was killed or never started. */
    code: number | null;
    stdout: string;
    stderr: string;
    timedOut: boolean;
    /** Set when the process could not be started at all (ENOENT, EACCES, …). */
    spawnError?: string;
}

export interface DiscoveryDeps {
    env: Readonly<Record<string, string | undefined>>;
    platform: NodeJS.Platform;
    /** `process.arch`: `x64`, `arm64`, … */
    arch: string;
    /** True when `file` exists and is a regular file (following symlinks). */
    isFile(file: string): Promise<boolean>;
    exec(file: string, args: readonly string[], timeoutMs: number): Promise<ExecResult>;
}

export interface DiscoveryInput {
    /** The `failcast.server.path` setting, possibly empty. */
    settingPath: string;
    /** Root of the installed extension, where a bundled `server/` may live. */
    extensionPath: string;
    /** First workspace folder, to resolve a relative `failcast.server.path`. */
    workspaceFolder?: string;
    /** The user's home directory, to expand a leading `~`. */
    homeDir?: string;
    /** How long `--version` may take; the default suits a cold disk. */
    timeoutMs?: number;
}

export interface Attempt {
    source: CandidateSource;
    /** What was looked at: a path, or a description such as `PATH`. */
    target: string;
    /** Why it was rejected; absent for the one that worked. */
    reason?: string;
}

export type Discovery =
    | { ok: true; path: string; version: string; source: CandidateSource; attempts: Attempt[] }
    | { ok: false; attempts: Attempt[]; message: string };

export const DEFAULT_VERSION_TIMEOUT_MS = 5000;

export const FIX_HINT =
    "Set failcast.server.path or install the server: `cargo install --locked --git https://github.com/failcast/failcast failcast`.";

const VERSION_LINE = /^failcast (\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]*)?)\s*$/;

/** `failcast 0.1.0` → `0.1.0`; anything else → undefined. */
export function parseVersion(stdout: string): string | undefined {
    const firstLine = stdout.split(/\r?\n/).find((line) => line.trim() !== "") ?? "";
    return VERSION_LINE.exec(firstLine.trim())?.[1];
}

export function sourceLabel(source: CandidateSource): string {
    switch (source) {
        case "setting":
            return "setting failcast.server.path";
        case "env":
            return "environment variable FAILCAST_SERVER";
        case "bundled":
            return "binary bundled with the extension";
        case "path":
            return "failcast on PATH";
    }
}

export function binaryName(platform: NodeJS.Platform): string {
    return platform === "win32" ? "failcast.exe" : "failcast";
}

/**
 * The directory under `server/` that holds the bundled binary for a platform:
 * `linux-x64`, `darwin-arm64`, `win32-x64`, … (Node's platform and arch, which
 * are also the names of `vsce package --target`).
 */
export function bundleTarget(platform: NodeJS.Platform, arch: string): string {
    return `${platform}-${arch}`;
}

function pathModule(platform: NodeJS.Platform): typeof path.posix {
    return platform === "win32" ? path.win32 : path.posix;
}

/** Expands `~` and resolves a relative path against the workspace folder. */
export function resolveSettingPath(raw: string, input: DiscoveryInput, platform: NodeJS.Platform): string {
    const p = pathModule(platform);
    let value = raw.trim();
    if (input.homeDir && (value === "~" || value.startsWith("~/") || value.startsWith("~\\"))) {
        value = p.join(input.homeDir, value.slice(1));
    }
    if (!p.isAbsolute(value) && input.workspaceFolder) {
        value = p.resolve(input.workspaceFolder, value);
    }
    return value;
}

/** Every place `failcast` could be on `PATH`, in search order. */
export function pathCandidates(env: DiscoveryDeps["env"], platform: NodeJS.Platform): string[] {
    const p = pathModule(platform);
    const pathVar = platform === "win32" ? (env.Path ?? env.PATH ?? env.path) : env.PATH;
    if (!pathVar) return [];
    const dirs = pathVar.split(platform === "win32" ? ";" : ":").filter((dir) => dir !== "");
    const names =
        platform === "win32"
            ? (env.PATHEXT ?? ".EXE;.CMD;.BAT")
                  .split(";")
                  .filter((ext) => ext !== "")
                  .map((ext) => `failcast${ext.toLowerCase()}`)
            : ["failcast"];
    return dirs.flatMap((dir) => names.map((name) => p.join(dir, name)));
}

async function probe(file: string, deps: DiscoveryDeps, timeoutMs: number): Promise<{ version?: string; reason?: string }> {
    if (!(await deps.isFile(file))) {
        return { reason: "no such file" };
    }
    const result = await deps.exec(file, ["--version"], timeoutMs);
    if (result.spawnError) {
        return { reason: `could not be started (${result.spawnError})` };
    }
    if (result.timedOut) {
        return { reason: `\`--version\` did not answer within ${timeoutMs} ms` };
    }
    if (result.code !== 0) {
        const detail = firstLine(result.stderr) || firstLine(result.stdout);
        return { reason: `\`--version\` exited with code ${result.code}${detail ? `: ${detail}` : ""}` };
    }
    const version = parseVersion(result.stdout);
    if (!version) {
        return { reason: `\`--version\` printed ${JSON.stringify(firstLine(result.stdout))}, not "failcast <version>"` };
    }
    return { version };
}

function firstLine(text: string): string {
    return (text.split(/\r?\n/).find((line) => line.trim() !== "") ?? "").trim().slice(0, 200);
}

export async function discoverServer(input: DiscoveryInput, deps: DiscoveryDeps): Promise<Discovery> {
    const timeoutMs = input.timeoutMs ?? DEFAULT_VERSION_TIMEOUT_MS;
    const attempts: Attempt[] = [];
    const p = pathModule(deps.platform);

    const explicit: Array<{ source: CandidateSource; file: string | undefined; unset: string }> = [
        {
            source: "setting",
            file: input.settingPath.trim() ? resolveSettingPath(input.settingPath, input, deps.platform) : undefined,
            unset: "not set",
        },
        {
            source: "env",
            file: deps.env.FAILCAST_SERVER?.trim() ? deps.env.FAILCAST_SERVER.trim() : undefined,
            unset: "not set",
        },
        {
            source: "bundled",
            file: p.join(input.extensionPath, "server", bundleTarget(deps.platform, deps.arch), binaryName(deps.platform)),
            unset: "",
        },
    ];

    for (const candidate of explicit) {
        if (candidate.file === undefined) {
            attempts.push({ source: candidate.source, target: "", reason: candidate.unset });
            continue;
        }
        const result = await probe(candidate.file, deps, timeoutMs);
        if (result.version) {
            attempts.push({ source: candidate.source, target: candidate.file });
            return { ok: true, path: candidate.file, version: result.version, source: candidate.source, attempts };
        }
        attempts.push({ source: candidate.source, target: candidate.file, reason: result.reason });
    }

    const onPath = pathCandidates(deps.env, deps.platform);
    let foundOnPath = false;
    for (const file of onPath) {
        if (!(await deps.isFile(file))) continue;
        foundOnPath = true;
        const result = await probe(file, deps, timeoutMs);
        if (result.version) {
            attempts.push({ source: "path", target: file });
            return { ok: true, path: file, version: result.version, source: "path", attempts };
        }
        attempts.push({ source: "path", target: file, reason: result.reason });
    }
    if (!foundOnPath) {
        attempts.push({ source: "path", target: "PATH", reason: "no failcast executable on PATH" });
    }

    return { ok: false, attempts, message: failureMessage(attempts) };
}

export function describeAttempt(attempt: Attempt): string {
    const where = attempt.target ? ` (${attempt.target})` : "";
    return `${sourceLabel(attempt.source)}${where}: ${attempt.reason ?? "ok"}`;
}

/** The notification text when nothing worked: what was tried, then the fix. */
export function failureMessage(attempts: readonly Attempt[]): string {
    const tried = attempts.map(describeAttempt).join("; ");
    return `failcast: no working language server binary found. Tried ${tried}. ${FIX_HINT}`;
}

/**
 * Candidates that were configured explicitly (setting or environment) but
 * did not work, although discovery went on to find another binary. The user
 * asked for them, so the extension warns instead of silently ignoring them.
 */
export function ignoredExplicitCandidates(discovery: Discovery): Attempt[] {
    return discovery.attempts.filter(
        (attempt) => (attempt.source === "setting" || attempt.source === "env") && attempt.target !== "" && attempt.reason !== undefined,
    );
}
