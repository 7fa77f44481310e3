import * as assert from "node:assert/strict";
import { describe, it } from "node:test";

import {
    discoverServer,
    failureMessage,
    ignoredExplicitCandidates,
    parseVersion,
    pathCandidates,
    type DiscoveryDeps,
    type DiscoveryInput,
    type ExecResult,
} from "../../src/discovery";

type Behaviour = "ok" | "garbage" | "crash" | "hang" | "eacces";

/** A fake machine: which files exist and how each behaves when run with --version. */
function machine(files: Record<string, Behaviour>, env: Record<string, string> = {}, platform: NodeJS.Platform = "linux", arch = "x64") {
    const runs: string[] = [];
    const deps: DiscoveryDeps = {
        env,
        platform,
        arch,
        isFile: async (file) => file in files,
        exec: async (file, args, timeoutMs): Promise<ExecResult> => {
            runs.push(`${file} ${args.join(" ")}`);
            assert.deepEqual(args, ["--version"]);
            assert.ok(timeoutMs > 0);
            switch (files[file]) {
                case "ok":
                    return { code: 0, stdout: "failcast 0.1.0\n", stderr: "", timedOut: false };
                case "garbage":
                    return { code: 0, stdout: "Usage: something else\n", stderr: "", timedOut: false };
                case "crash":
                    return { code: 101, stdout: "", stderr: "thread 'main' panicked at src/main.rs\n", timedOut: false };
                case "hang":
                    return { code: null, stdout: "", stderr: "", timedOut: true };
                case "eacces":
                    return { code: null, stdout: "", stderr: "", timedOut: false, spawnError: "EACCES" };
                default:
                    throw new Error(`exec of a missing file ${file}`);
            }
        },
    };
    return { deps, runs };
}

const input: DiscoveryInput = { settingPath: "", extensionPath: "/ext", homeDir: "/home/u", workspaceFolder: "/ws" };

describe("parseVersion", () => {
    it("accepts `failcast <semver>`", () => {
        assert.equal(parseVersion("failcast 0.1.0\n"), "0.1.0");
        assert.equal(parseVersion("failcast 1.2.3-alpha.1\r\n"), "1.2.3-alpha.1");
        assert.equal(parseVersion("\nfailcast 10.20.30+build.5"), "10.20.30+build.5");
    });
    it("rejects anything else", () => {
        assert.equal(parseVersion("failcast"), undefined);
        assert.equal(parseVersion("ruff 0.1.0"), undefined);
        assert.equal(parseVersion("failcast v0.1"), undefined);
        assert.equal(parseVersion(""), undefined);
    });
});

describe("discoverServer order", () => {
    const all: Record<string, Behaviour> = {
        "/opt/setting/failcast": "ok",
        "/opt/env/failcast": "ok",
        "/ext/server/linux-x64/failcast": "ok",
        "/usr/bin/failcast": "ok",
    };
    const env = { FAILCAST_SERVER: "/opt/env/failcast", PATH: "/usr/local/bin:/usr/bin" };

    it("1. the failcast.server.path setting", async () => {
        const { deps, runs } = machine(all, env);
        const found = await discoverServer({ ...input, settingPath: "/opt/setting/failcast" }, deps);
        assert.ok(found.ok);
        assert.equal(found.path, "/opt/setting/failcast");
        assert.equal(found.source, "setting");
        assert.equal(found.version, "0.1.0");
        assert.deepEqual(runs, ["/opt/setting/failcast --version"]);
    });

    it("2. the FAILCAST_SERVER environment variable", async () => {
        const { deps } = machine(all, env);
        const found = await discoverServer(input, deps);
        assert.ok(found.ok);
        assert.equal(found.source, "env");
        assert.equal(found.path, "/opt/env/failcast");
    });

    it("3. the binary bundled in the extension", async () => {
        const { deps } = machine(all, { PATH: env.PATH });
        const found = await discoverServer(input, deps);
        assert.ok(found.ok);
        assert.equal(found.source, "bundled");
        assert.equal(found.path, "/ext/server/linux-x64/failcast");
    });

    it("a bundled binary is taken only from this platform's directory, and before PATH", async () => {
        const files: Record<string, Behaviour> = { "/ext/server/darwin-arm64/failcast": "ok", "/usr/bin/failcast": "ok" };
        const onLinux = machine(files, { PATH: "/usr/bin" });
        const linux = await discoverServer(input, onLinux.deps);
        assert.ok(linux.ok);
        assert.equal(linux.source, "path");
        assert.ok(!onLinux.runs.includes("/ext/server/darwin-arm64/failcast --version"));

        const onMac = machine(files, { PATH: "/usr/bin" }, "darwin", "arm64");
        const mac = await discoverServer(input, onMac.deps);
        assert.ok(mac.ok);
        assert.equal(mac.source, "bundled");
        assert.equal(mac.path, "/ext/server/darwin-arm64/failcast");
        assert.deepEqual(onMac.runs, ["/ext/server/darwin-arm64/failcast --version"]);
    });

    it("4. failcast on PATH, first working directory wins", async () => {
        const { deps, runs } = machine({ "/usr/local/bin/failcast": "crash", "/usr/bin/failcast": "ok" }, { PATH: env.PATH });
        const found = await discoverServer(input, deps);
        assert.ok(found.ok);
        assert.equal(found.source, "path");
        assert.equal(found.path, "/usr/bin/failcast");
        assert.deepEqual(runs, ["/usr/local/bin/failcast --version", "/usr/bin/failcast --version"]);
    });

    it("falls through a broken explicit candidate and reports it", async () => {
        const { deps } = machine({ "/opt/setting/failcast": "garbage", "/usr/bin/failcast": "ok" }, { PATH: "/usr/bin" });
        const found = await discoverServer({ ...input, settingPath: "/opt/setting/failcast" }, deps);
        assert.ok(found.ok);
        assert.equal(found.source, "path");
        const ignored = ignoredExplicitCandidates(found);
        assert.equal(ignored.length, 1);
        assert.equal(ignored[0].source, "setting");
        assert.match(ignored[0].reason!, /printed "Usage: something else", not "failcast <version>"/);
    });

    it("does not warn about unset explicit candidates", async () => {
        const { deps } = machine({ "/usr/bin/failcast": "ok" }, { PATH: "/usr/bin" });
        const found = await discoverServer(input, deps);
        assert.ok(found.ok);
        assert.deepEqual(ignoredExplicitCandidates(found), []);
    });

    it("expands ~ and resolves a relative setting against the workspace folder", async () => {
        const home = machine({ "/home/u/bin/failcast": "ok" });
        const fromHome = await discoverServer({ ...input, settingPath: "~/bin/failcast" }, home.deps);
        assert.ok(fromHome.ok);
        assert.equal(fromHome.path, "/home/u/bin/failcast");

        const rel = machine({ "/ws/target/debug/failcast": "ok" });
        const fromWorkspace = await discoverServer({ ...input, settingPath: "target/debug/failcast" }, rel.deps);
        assert.ok(fromWorkspace.ok);
        assert.equal(fromWorkspace.path, "/ws/target/debug/failcast");
    });

    it("on Windows looks for failcast.exe, in the bundle and with PATHEXT", async () => {
        const bundled = machine({ "C:\\ext\\server\\win32-x64\\failcast.exe": "ok" }, {}, "win32");
        const found = await discoverServer({ ...input, extensionPath: "C:\\ext", homeDir: undefined, workspaceFolder: undefined }, bundled.deps);
        assert.ok(found.ok);
        assert.equal(found.path, "C:\\ext\\server\\win32-x64\\failcast.exe");
        assert.deepEqual(pathCandidates({ Path: "C:\\bin;D:\\tools", PATHEXT: ".EXE;.CMD" }, "win32"), [
            "C:\\bin\\failcast.exe",
            "C:\\bin\\failcast.cmd",
            "D:\\tools\\failcast.exe",
            "D:\\tools\\failcast.cmd",
        ]);
    });
});

describe("discoverServer failure", () => {
    it("lists every candidate with its reason and the fix", async () => {
        const { deps } = machine({}, { PATH: "/usr/bin" });
        const found = await discoverServer(input, deps);
        assert.equal(found.ok, false);
        if (found.ok) return;
        assert.deepEqual(
            found.attempts.map((a) => [a.source, a.reason]),
            [
                ["setting", "not set"],
                ["env", "not set"],
                ["bundled", "no such file"],
                ["path", "no failcast executable on PATH"],
            ],
        );
        assert.equal(
            found.message,
            "failcast: no working language server binary found. Tried setting failcast.server.path: not set; " +
                "environment variable FAILCAST_SERVER: not set; binary bundled with the extension (/ext/server/linux-x64/failcast): no such file; " +
                "failcast on PATH (PATH): no failcast executable on PATH. " +
                "Set failcast.server.path or install the server: `cargo install --locked --git https://github.com/failcast/failcast failcast`.",
        );
    });

    it("says why each existing binary was rejected", async () => {
        const { deps } = machine(
            {
                "/opt/setting/failcast": "hang",
                "/opt/env/failcast": "eacces",
                "/ext/server/linux-x64/failcast": "crash",
                "/usr/bin/failcast": "garbage",
            },
            { FAILCAST_SERVER: "/opt/env/failcast", PATH: "/usr/bin" },
        );
        const found = await discoverServer({ ...input, settingPath: "/opt/setting/failcast", timeoutMs: 1234 }, deps);
        assert.equal(found.ok, false);
        if (found.ok) return;
        assert.deepEqual(
            found.attempts.map((a) => a.reason),
            [
                "`--version` did not answer within 1234 ms",
                "could not be started (EACCES)",
                "`--version` exited with code 101: thread 'main' panicked at src/main.rs",
                '`--version` printed "Usage: something else", not "failcast <version>"',
            ],
        );
        assert.match(found.message, /Set failcast\.server\.path or install the server: `cargo install --locked --git https:\/\/github\.com\/failcast\/failcast failcast`\.$/);
    });

    it("a setting that points nowhere is named in the message", async () => {
        const { deps } = machine({});
        const found = await discoverServer({ ...input, settingPath: "/nope/failcast" }, deps);
        assert.equal(found.ok, false);
        assert.match(failureMessage(found.attempts), /setting failcast\.server\.path \(\/nope\/failcast\): no such file/);
    });
});
