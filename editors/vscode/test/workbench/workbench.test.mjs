// The packaged extension in a real VS Code workbench: code-server serves it,
// Debian's chromium shows it (driven by playwright-core), the real failcast
// binary answers with the model off. run.sh builds the .vsix and the install;
// this file only drives them. Every wait has a time limit and says what it
// waited for; a failed step leaves failure-<step>.png in the output folder.
//
// Environment (run.sh sets it): FAILCAST_WORKBENCH_DEPS (install.sh's
// directory), FAILCAST_VSIX, FAILCAST_SERVER, FAILCAST_WORKBENCH_OUT (where
// screenshots go), FAILCAST_CHROMIUM (default /usr/bin/chromium),
// FAILCAST_WORKBENCH_TIMEOUT_MS (one wait, default 20 s);
// FAILCAST_WORKBENCH_KEEP=1 keeps the run's folder (VS Code's logs, the LSP
// trace in user-data/logs/*/exthost1/output_logging_*) and prints its path.

import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const deps = required("FAILCAST_WORKBENCH_DEPS");
const vsix = required("FAILCAST_VSIX");
const binary = fs.realpathSync(required("FAILCAST_SERVER"));
const out = required("FAILCAST_WORKBENCH_OUT");
const chromiumPath = process.env.FAILCAST_CHROMIUM ?? "/usr/bin/chromium";
const WAIT_MS = Number(process.env.FAILCAST_WORKBENCH_TIMEOUT_MS ?? 20000);
const { chromium } = createRequire(path.join(deps, "package.json"))("playwright-core");
const codeServerEntry = path.join(deps, "node_modules", "code-server", "out", "node", "entry.js");

// What this machine's closed network needs: no call home, no sandbox (root).
const CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
];

// The fixture: one function with two static predictions (a KeyError on
// line 6, a missing timeout on line 5), in a throwaway workspace.
const FIXTURE = path.join(here, "..", "fixtures", "users.py");
const TEST_FILE = path.join("tests", "test_users.py");

const USER_SETTINGS = {
    "failcast.model.backend": "off",
    "failcast.predict.debounceMs": 0,
    // The web workbench would otherwise save the generated test by itself.
    "files.autoSave": "off",
    "security.workspace.trust.enabled": false,
    "workbench.startupEditor": "none",
    "workbench.tips.enabled": false,
    "workbench.enableExperiments": false,
    "workbench.colorTheme": "Default Dark Modern",
    "workbench.secondarySideBar.defaultVisibility": "hidden",
    "chat.commandCenter.enabled": false,
    "telemetry.telemetryLevel": "off",
    "extensions.autoCheckUpdates": false,
    "extensions.autoUpdate": false,
    "update.mode": "none",
    "editor.minimap.enabled": false,
    "editor.hover.delay": 200,
    "git.enabled": false,
    ...(process.env.FAILCAST_WORKBENCH_KEEP ? { "failcast.trace.server": "verbose" } : {}),
};

let work;
let workspace;
let codeServer;
let session;
let serverLog = "";
let context;
let page;

before(async () => {
    const started = Date.now();
    work = fs.mkdtempSync(path.join(os.tmpdir(), "failcast-workbench-"));
    workspace = path.join(work, "workspace");
    fs.mkdirSync(workspace);
    fs.copyFileSync(FIXTURE, path.join(workspace, "users.py"));
    const userData = path.join(work, "user-data");
    fs.mkdirSync(path.join(userData, "User"), { recursive: true });
    fs.writeFileSync(path.join(userData, "User", "settings.json"), JSON.stringify(USER_SETTINGS, null, 2));
    fs.mkdirSync(out, { recursive: true });

    const env = {
        ...process.env,
        FAILCAST_SERVER: binary,
        // code-server, VS Code and failcast keep nothing of a run outside it.
        XDG_CONFIG_HOME: path.join(work, "config"),
        XDG_DATA_HOME: path.join(work, "data"),
        XDG_CACHE_HOME: path.join(work, "cache"),
    };
    const common = [
        "--config", path.join(work, "code-server.yaml"),
        "--user-data-dir", userData,
        "--extensions-dir", path.join(work, "extensions"),
    ];
    const install = spawnSync(process.execPath, [codeServerEntry, ...common, "--install-extension", vsix], {
        env,
        encoding: "utf8",
        timeout: WAIT_MS * 3,
    });
    assert.equal(install.status, 0, `code-server --install-extension failed:\n${install.stdout}\n${install.stderr}`);
    assert.match(install.stdout, /successfully installed/, install.stdout);

    // Its own session (setsid), so every process it starts, failcast
    // included, can be found and none outlives the test.
    codeServer = spawn(
        process.execPath,
        [
            codeServerEntry,
            ...common,
            "--auth", "none",
            "--disable-telemetry",
            "--disable-update-check",
            "--disable-workspace-trust",
            "--bind-addr", "127.0.0.1:0",
            workspace,
        ],
        { env, detached: true, stdio: ["ignore", "pipe", "pipe"] },
    );
    session = codeServer.pid;
    const port = await new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`code-server did not listen within ${WAIT_MS} ms:\n${serverLog}`)), WAIT_MS);
        const read = (chunk) => {
            serverLog += chunk;
            const listening = /HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(serverLog);
            if (listening) {
                clearTimeout(timer);
                resolve(Number(listening[1]));
            }
        };
        codeServer.stdout.setEncoding("utf8").on("data", read);
        codeServer.stderr.setEncoding("utf8").on("data", read);
        codeServer.on("exit", (code, signal) => {
            clearTimeout(timer);
            reject(new Error(`code-server exited (${code ?? signal}):\n${serverLog}`));
        });
    });

    context = await chromium.launchPersistentContext(path.join(work, "chromium"), {
        executablePath: chromiumPath,
        headless: true,
        args: CHROMIUM_ARGS,
        viewport: { width: 1280, height: 760 },
    });
    context.setDefaultTimeout(WAIT_MS);
    page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`);
    await page.locator(".monaco-workbench").waitFor();
    console.log(`workbench up ${Date.now() - started} ms after the test started`);
});

after(async () => {
    // Whatever a failed test left running goes, failcast included.
    await context?.close().catch(() => undefined);
    if (session) killSession();
    if (work && process.env.FAILCAST_WORKBENCH_KEEP) console.log(`kept ${work}`);
    else if (work) fs.rmSync(work, { recursive: true, force: true });
});

test("opening a Python file: squiggles, the Problems panel at once, the status bar", async () => {
    await step("problems", async () => {
        await openFile("users.py");
        await page.locator(".monaco-editor .squiggly-info").first().waitFor();
        // At once, as a person would. The editor loses focus, and VS Code
        // drops the code lens request it had scheduled for the file (its
        // codelensController cancels on blur): lenses now come only from the
        // server's workspace/codeLens/refresh. The first one came before the
        // panel opened and is spent; the server sends one more when no lens
        // request followed it.
        await page.locator('[id="status.problems"]').click();
        const problems = page.locator(".markers-panel .monaco-list-row");
        await waitForText(problems.filter({ hasText: "KeyError" }).first(), /KeyError 'user'/, "the KeyError in the Problems panel");
        await waitForText(problems.filter({ hasText: "timeout" }).first(), /no timeout/, "the missing timeout in the Problems panel");
        await waitForText(lens(), /2 predicted failures · KeyError: 'user'/, "the code lens over get_user, the Problems panel opened at once");
        assert.ok(await page.locator(".markers-panel").evaluate((panel) => panel.contains(document.activeElement)), "the Problems panel kept the focus");
        await waitForText(statusItem(), /failcast: static only/, "the failcast status bar item to say 'static only'");
    });
});

test("a settings change takes effect without a restart; the code lens comes with the refresh", async (t) => {
    await step("settings", async () => {
        const [before] = await waitFor(() => nonEmpty(failcastServers()), "a running failcast server");
        const lensBefore = await lens().count();
        // On disk, as an edit of .vscode/settings.json would; the Problems
        // panel keeps the focus.
        writeWorkspaceSettings({ "failcast.severity.latent": "error" });
        t.after(() => writeWorkspaceSettings({}));
        await page.locator(".monaco-editor .squiggly-error").first().waitFor();
        await waitFor(async () => (await page.locator(".monaco-editor .squiggly-info").count()) === 0, "no latent prediction left as information");
        // The selected row shows a light bulb instead of its icon.
        await page.locator(".markers-panel .monaco-list-row .codicon-error:visible").first().waitFor();
        await waitForText(lens(), /2 predicted failures · KeyError: 'user'/, "the code lens over get_user, the editor unfocused");
        assert.ok(await page.locator(".markers-panel").evaluate((panel) => panel.contains(document.activeElement)), "the Problems panel kept the focus");
        console.log(`code lens before the server's refresh: ${lensBefore ? "shown" : "not shown (VS Code dropped its request on blur)"}`);
        assert.deepEqual(failcastServers().map((p) => p.pid), [before.pid], "the same server process, not a restarted one");
        writeWorkspaceSettings({});
        await page.locator(".monaco-editor .squiggly-info").first().waitFor();
        await waitFor(async () => (await page.locator(".monaco-editor .squiggly-error").count()) === 0, "the latent predictions back to information");
        await page.locator('[id="status.problems"]').click();
    });
});

test("the code lens command shows the traces", async () => {
    await step("lens", async () => {
        await lens().locator("a").first().click();
        const tab = page.locator(".tabs-container .tab", { hasText: "failcast traces of users.py" });
        await tab.waitFor();
        await waitFor(async () => {
            for (const frame of page.frames()) {
                const text = await frame.locator("body").innerText({ timeout: 1000 }).catch(() => "");
                if (/Traceback[\s\S]*KeyError: 'user'/.test(text)) return true;
            }
            return false;
        }, "a Python traceback ending in KeyError: 'user' in the trace preview");
        await tab.locator(".codicon-close").click();
        await tab.waitFor({ state: "detached" });
    });
});

test("hovering the squiggle shows the trace", async () => {
    await step("hover", async () => {
        const hover = await hoverOn(/Traceback \(most recent call last\)[\s\S]*KeyError: 'user'/, "the traceback in the hover");
        // The hover is taller than it may grow: for the picture, its
        // scrolled content starts at failcast's part, so the whole
        // traceback is in view.
        const header = hover.locator("p", { hasText: /predicted failures?( · \d+ possible)?$/ }).first();
        await header.evaluate((element) => {
            let scroller = element.parentElement;
            while (scroller && scroller.scrollHeight <= scroller.clientHeight) scroller = scroller.parentElement;
            if (!scroller) return;
            scroller.scrollTop += element.getBoundingClientRect().top - scroller.getBoundingClientRect().top - 6;
        });
        const trace = hover.getByText("KeyError: 'user'", { exact: true }).last();
        await waitFor(async () => {
            const [box, traceBox] = [await hover.boundingBox(), await trace.boundingBox()];
            return traceBox && traceBox.y + traceBox.height < box.y + box.height;
        }, "the traceback's last line in the hover's view");
        await screenshotAround("hover.png", [hover, page.locator(".editor-instance .view-line", { hasText: "requests.get" })]);
        await page.keyboard.press("Escape");
    });
});

test("the 'write a test' code action creates the test file", async () => {
    await step("actions", async () => {
        await page.locator(".editor-instance .view-line", { hasText: 'data["user"]' }).locator("span", { hasText: "data" }).last().click();
        await page.keyboard.press("Control+.");
        const menu = page.locator(".action-widget");
        const write = menu.locator(".monaco-list-row", { hasText: "write a test for" }).first();
        await write.waitFor();
        await menu.locator(".monaco-list-row", { hasText: "ignore this prediction" }).first().waitFor();
        await screenshotAround("actions.png", [menu, page.locator(".editor-instance .view-line", { hasText: "def get_user" })]);
        // The first item is the focused one; a click could land on the
        // block VS Code lays over a menu that just opened.
        await waitFor(async () => /\bfocused\b/.test((await write.getAttribute("class")) ?? ""), "'write a test' to be the focused action");
        await page.keyboard.press("Enter");
        const created = path.join(workspace, TEST_FILE);
        await waitFor(() => fs.existsSync(created), `${TEST_FILE} to be created`);
        await runCommand("File: Save All");
        await waitFor(
            () => /def test_\w+/.test(fs.readFileSync(created, "utf8")),
            `a test function in ${TEST_FILE} once saved`,
        );
        const written = fs.readFileSync(created, "utf8");
        assert.match(written, /get_user\(/, `the test calls get_user:\n${written}`);
        await openFile("users.py");
    });
});

test("failcast: Restart Server starts a new server that answers", async () => {
    await step("restart", async () => {
        const [before] = await waitFor(() => nonEmpty(failcastServers()), "a running failcast server");
        await runCommand("failcast: Restart Server");
        await waitFor(() => !alive(before.pid), `the old server (${before.pid}) to exit`);
        await waitFor(() => nonEmpty(failcastServers()), "a new failcast server");
        await waitForText(statusItem(), /failcast: static only/, "the status bar back to 'static only'");
        await hoverOn(/Traceback[\s\S]*KeyError: 'user'/, "a hover with the traceback from the new server");
        await page.keyboard.press("Escape");
    });
});

test("a killed server is started again and its diagnostics come back", async () => {
    await step("kill", async () => {
        const [before] = await waitFor(() => nonEmpty(failcastServers()), "a running failcast server");
        process.kill(before.pid, "SIGKILL");
        const [after] = await waitFor(
            () => nonEmpty(failcastServers().filter((p) => p.pid !== before.pid)),
            "the extension to start a new server after the kill",
        );
        assert.notEqual(after.pid, before.pid);
        await page.locator(".monaco-editor [class*='squiggly-']").first().waitFor();
        await waitForText(lens(), /2 predicted failures/, "the code lens from the new server");
        await hoverOn(/Traceback[\s\S]*KeyError: 'user'/, "a hover with the traceback from the new server");
        await page.keyboard.press("Escape");
    });
});

test("no failcast process is left once the browser closes and code-server stops", async () => {
    assert.ok(failcastServers().length > 0, "a failcast server while the workbench runs");
    await context.close();
    const exited = new Promise((resolve) => codeServer.once("exit", resolve));
    codeServer.kill("SIGTERM");
    let timer;
    await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, WAIT_MS)))]);
    clearTimeout(timer);
    // Only code-server was stopped (closing the tab alone ends nothing:
    // code-server keeps the extension host for a reconnection, three hours
    // by default). Its extension host goes with it, and failcast, no longer
    // fed or parented by it, must exit by itself.
    const stopped = Date.now();
    await waitFor(() => failcastServers().length === 0, "every failcast server to exit after code-server stopped").catch(() => {
        assert.deepEqual(failcastServers().map(describe), [], "failcast servers still running after code-server stopped");
    });
    console.log(`failcast servers gone ${Date.now() - stopped} ms after code-server stopped`);
});

// --- the workbench -------------------------------------------------------

function statusItem() {
    // VS Code names an extension's item <extension id>.<item id>.
    return page.locator('.statusbar-item[id$="failcast.status"]');
}

function lens() {
    return page.locator(".editor-instance .codelens-decoration").first();
}

async function openFile(name) {
    const tab = page.locator(".tabs-container .tab").filter({ has: page.locator(".label-name", { hasText: new RegExp(`^${name.replace(".", "\\.")}$`) }) });
    if ((await tab.count()) > 0) await tab.first().click();
    else await page.getByRole("treeitem", { name }).first().dblclick();
    await page.locator(".editor-instance .view-line", { hasText: "def get_user" }).waitFor();
}

/**
 * Hovers the `"user"` squiggle until a hover whose text matches `pattern`
 * shows; returns it. A hover that came too early (the server not answering
 * yet, or only the diagnostic's own text) is left and asked again: VS Code
 * never updates a hover whose provider answered nothing.
 */
async function hoverOn(pattern, what) {
    const line = page.locator(".editor-instance .view-line", { hasText: 'data["user"]' });
    const target = line.locator("span", { hasText: '"user"' }).first();
    const hover = page.locator(".monaco-hover", { hasText: pattern }).first();
    await waitFor(async () => {
        const box = await target.boundingBox();
        if (!box) return false;
        // Moving off and back makes VS Code ask again.
        await page.mouse.move(box.x + box.width / 2, box.y + 200);
        await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
        return hover.waitFor({ timeout: 2000 }).then(() => true, () => false);
    }, what);
    return hover;
}

async function runCommand(label) {
    const input = page.locator(".quick-input-widget .quick-input-box input");
    // The palette closes again when the editor takes focus a moment after
    // it opened (a file still opening from the step before, on a loaded
    // machine); open it until it stays open long enough to type into.
    await waitFor(async () => {
        if (!(await input.isVisible())) await page.keyboard.press("F1");
        return input.fill(`>${label}`, { timeout: 2000 }).then(() => true, () => false);
    }, "the command palette to take the command");
    await page.locator(".quick-input-widget .monaco-list-row", { hasText: label }).first().waitFor();
    await page.keyboard.press("Enter");
    await page.locator(".quick-input-widget").waitFor({ state: "hidden" });
}

/** A screenshot of the smallest rectangle around the given elements, with a margin. */
async function screenshotAround(name, locators) {
    const boxes = [];
    for (const locator of locators) {
        const box = await locator.first().boundingBox();
        if (box) boxes.push(box);
    }
    assert.ok(boxes.length > 0, `nothing to photograph for ${name}`);
    const margin = 16;
    const viewport = page.viewportSize();
    const x = Math.max(0, Math.min(...boxes.map((b) => b.x)) - margin);
    const y = Math.max(0, Math.min(...boxes.map((b) => b.y)) - margin);
    const right = Math.min(viewport.width, Math.max(...boxes.map((b) => b.x + b.width)) + margin);
    const bottom = Math.min(viewport.height, Math.max(...boxes.map((b) => b.y + b.height)) + margin);
    await page.screenshot({ path: path.join(out, name), clip: { x, y, width: right - x, height: bottom - y } });
}

async function step(name, body) {
    try {
        await body();
    } catch (error) {
        await page?.screenshot({ path: path.join(out, `failure-${name}.png`) }).catch(() => undefined);
        // What the picture cannot say, for a log that is all CI keeps.
        const status = await statusItem().innerText({ timeout: 1000 }).catch(() => "(none)");
        console.log(`step ${name} failed; status bar: ${JSON.stringify(status)}; failcast servers: ${JSON.stringify(failcastServers().map(describe))}`);
        throw error;
    }
}

async function waitForText(locator, pattern, what) {
    await waitFor(async () => pattern.test(await locator.innerText({ timeout: 1000 }).catch(() => "")), what);
}

// --- processes -----------------------------------------------------------

/** The `failcast lsp` processes of code-server's session: its own and its extension hosts'. */
function failcastServers() {
    const found = [];
    for (const entry of fs.readdirSync("/proc")) {
        if (!/^\d+$/.test(entry)) continue;
        try {
            const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
            // Fields after the parenthesised name: state, ppid, pgrp, session.
            const [state, , , sid] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
            if (Number(sid) !== session || state === "Z") continue;
            const argv = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
            if (path.basename(argv[0]) === "failcast" && argv.includes("lsp")) found.push({ pid: Number(entry), argv });
        } catch {
            // The process ended while being read.
        }
    }
    return found;
}

function killSession() {
    try {
        process.kill(-session, "SIGKILL");
    } catch {
        // Nothing left in the group.
    }
    for (const server of failcastServers()) {
        try {
            process.kill(server.pid, "SIGKILL");
        } catch {
            // Gone meanwhile.
        }
    }
}

function alive(pid) {
    try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
        return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
    } catch {
        return false;
    }
}

function describe(server) {
    return `${server.pid}: ${server.argv.join(" ")}`;
}

// --- small things --------------------------------------------------------

function writeWorkspaceSettings(settings) {
    fs.mkdirSync(path.join(workspace, ".vscode"), { recursive: true });
    fs.writeFileSync(path.join(workspace, ".vscode", "settings.json"), JSON.stringify(settings, null, 2));
}

function nonEmpty(list) {
    return list.length > 0 ? list : undefined;
}

/** Polls `condition` until it returns something truthy, which it returns; fails after `ms` naming `what`. */
async function waitFor(condition, what, ms = WAIT_MS) {
    const deadline = Date.now() + ms;
    for (;;) {
        const value = await condition();
        if (value) return value;
        if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
        await delay(100);
    }
}

function delay(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms));
}

function required(name) {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is not set: run this test through run.sh`);
    return value;
}
