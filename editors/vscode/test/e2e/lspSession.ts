/**
 * A small LSP client for end-to-end tests: spawns the real `failcast lsp`
 * and talks to it through `vscode-languageserver-protocol`, the library VS
 * Code's language client is built on. Every wait has a timeout and names what
 * it was waiting for; the server's stderr is kept for failure messages.
 */

import { spawn, type ChildProcess } from "node:child_process";

import { StreamMessageReader, StreamMessageWriter, createMessageConnection, type MessageConnection } from "vscode-jsonrpc/node";
import {
    ConfigurationRequest,
    RegistrationRequest,
    ShowMessageRequest,
    UnregistrationRequest,
    WorkDoneProgressCreateRequest,
    type ConfigurationParams,
} from "vscode-languageserver-protocol";

export interface Received {
    method: string;
    params: unknown;
    at: number;
}

export const DEFAULT_WAIT_MS = Number(process.env.FAILCAST_E2E_TIMEOUT_MS ?? 20000);

export class LspSession {
    readonly connection: MessageConnection;
    readonly notifications: Received[] = [];
    /** Requests the server sent to the client, e.g. `window/workDoneProgress/create`. */
    readonly serverRequests: Received[] = [];
    readonly errors: string[] = [];
    private stderr = "";
    private readonly waiters = new Set<() => void>();
    private readonly process: ChildProcess;
    readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

    constructor(
        binary: string,
        args: string[],
        options: { cwd: string; env: NodeJS.ProcessEnv; configuration: (section: string | undefined) => unknown },
    ) {
        this.process = spawn(binary, args, { cwd: options.cwd, env: options.env, stdio: ["pipe", "pipe", "pipe"] });
        this.exited = new Promise((resolve) => this.process.on("exit", (code, signal) => resolve({ code, signal })));
        this.process.stderr!.setEncoding("utf8");
        this.process.stderr!.on("data", (chunk: string) => {
            this.stderr += chunk;
            if (this.stderr.length > 200_000) this.stderr = this.stderr.slice(-100_000);
        });
        this.connection = createMessageConnection(new StreamMessageReader(this.process.stdout!), new StreamMessageWriter(this.process.stdin!));
        this.connection.onError(([error]) => this.errors.push(`connection error: ${error.message}`));
        this.connection.onNotification((method: string, params: unknown) => {
            this.notifications.push({ method, params, at: Date.now() });
            for (const wake of this.waiters) wake();
        });
        // What VS Code's client answers to the server's own requests.
        this.connection.onRequest(WorkDoneProgressCreateRequest.type, (params) => {
            this.serverRequests.push({ method: WorkDoneProgressCreateRequest.method, params, at: Date.now() });
            return null;
        });
        this.connection.onRequest(ConfigurationRequest.type, (params: ConfigurationParams) => {
            this.serverRequests.push({ method: ConfigurationRequest.method, params, at: Date.now() });
            return params.items.map((item) => options.configuration(item.section) ?? null);
        });
        this.connection.onRequest(RegistrationRequest.type, (params) => {
            this.serverRequests.push({ method: RegistrationRequest.method, params, at: Date.now() });
        });
        this.connection.onRequest(UnregistrationRequest.type, (params) => {
            this.serverRequests.push({ method: UnregistrationRequest.method, params, at: Date.now() });
        });
        this.connection.onRequest(ShowMessageRequest.type, (params) => {
            this.serverRequests.push({ method: ShowMessageRequest.method, params, at: Date.now() });
            return null;
        });
        this.connection.onRequest((method: string, params: unknown) => {
            this.serverRequests.push({ method, params, at: Date.now() });
            this.errors.push(`unexpected server request ${method}`);
            return null;
        });
        this.connection.listen();
    }

    get serverLog(): string {
        return this.stderr;
    }

    /** Sends a request; rejects after `timeoutMs` with the method's name. */
    async request<R>(method: string, params?: unknown, timeoutMs = DEFAULT_WAIT_MS): Promise<R> {
        // No params argument at all for `shutdown`: vscode-jsonrpc would turn a
        // lone `null` into `"params": [null]`, which VS Code never sends.
        const reply = params === undefined ? this.connection.sendRequest(method) : this.connection.sendRequest(method, params);
        return withTimeout(reply as Promise<R>, timeoutMs, `a reply to ${method}`, () => this.stderr);
    }

    async notify(method: string, params?: unknown): Promise<void> {
        await (params === undefined ? this.connection.sendNotification(method) : this.connection.sendNotification(method, params));
    }

    /**
     * The first notification of `method` received at or after `since` that
     * satisfies `accept`, waiting at most `timeoutMs`.
     */
    waitForNotification<P>(
        method: string,
        accept: (params: P) => boolean,
        what: string,
        options: { since?: number; timeoutMs?: number } = {},
    ): Promise<P> {
        const since = options.since ?? 0;
        const timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_MS;
        return new Promise<P>((resolve, reject) => {
            const check = (): boolean => {
                const hit = this.notifications.find((n) => n.method === method && n.at >= since && accept(n.params as P));
                if (hit) {
                    cleanup();
                    resolve(hit.params as P);
                    return true;
                }
                return false;
            };
            const timer = setTimeout(() => {
                cleanup();
                const seen = this.notifications
                    .filter((n) => n.method === method && n.at >= since)
                    .map((n) => JSON.stringify(n.params).slice(0, 2000));
                reject(
                    new Error(
                        `timed out after ${timeoutMs} ms waiting for ${what} (${method}).\n` +
                            `${method} notifications seen: ${seen.length ? `\n  ${seen.join("\n  ")}` : "none"}\n` +
                            `server stderr (tail):\n${tail(this.stderr)}`,
                    ),
                );
            }, timeoutMs);
            const cleanup = () => {
                clearTimeout(timer);
                this.waiters.delete(wake);
            };
            const wake = () => void check();
            this.waiters.add(wake);
            check();
        });
    }

    /** Kills the server if it is still running (after a failed test). */
    async kill(): Promise<void> {
        this.connection.dispose();
        if (this.process.exitCode === null && this.process.signalCode === null) {
            this.process.kill("SIGKILL");
            await this.exited;
        }
    }
}

export function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string, log: () => string = () => ""): Promise<T> {
    return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
            const stderr = log();
            reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}${stderr ? `\nserver stderr (tail):\n${tail(stderr)}` : ""}`));
        }, timeoutMs);
        promise.then(
            (value) => {
                clearTimeout(timer);
                resolve(value);
            },
            (error: unknown) => {
                clearTimeout(timer);
                reject(error);
            },
        );
    });
}

function tail(text: string, lines = 40): string {
    return text.split("\n").slice(-lines).join("\n");
}
