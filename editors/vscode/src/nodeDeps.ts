/**
 * The real file system and process execution for `discovery`, kept apart so
 * that the discovery logic can be tested with fakes and the e2e test can use
 * these against the real binary. No `vscode` import.
 */

import { execFile } from "node:child_process";
import { promises as fs } from "node:fs";

import type { DiscoveryDeps, ExecResult } from "./discovery";

export async function isFile(file: string): Promise<boolean> {
    try {
        return (await fs.stat(file)).isFile();
    } catch {
        return false;
    }
}

export function exec(file: string, args: readonly string[], timeoutMs: number): Promise<ExecResult> {
    return new Promise((resolve) => {
        execFile(file, [...args], { timeout: timeoutMs, windowsHide: true, maxBuffer: 1024 * 1024 }, (error, stdout, stderr) => {
            if (!error) {
                resolve({ code: 0, stdout, stderr, timedOut: false });
                return;
            }
            const err = error as NodeJS.ErrnoException & { code?: string | number; killed?: boolean; signal?: string };
            if (typeof err.code === "string") {
                resolve({ code: null, stdout, stderr, timedOut: false, spawnError: err.code });
                return;
            }
            const timedOut = Boolean(err.killed) && err.signal === "SIGTERM";
            resolve({ code: typeof err.code === "number" ? err.code : null, stdout, stderr, timedOut });
        });
    });
}

export function nodeDiscoveryDeps(env: NodeJS.ProcessEnv = process.env): DiscoveryDeps {
    return { env, platform: process.platform, arch: process.arch, isFile, exec };
}
