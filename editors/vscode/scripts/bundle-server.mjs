// Puts a release build of the failcast server into server/<target>/ so that
// `vsce package --target <target>` ships it inside the extension, where the
// extension finds it before PATH (src/discovery.ts).
//
//   node scripts/bundle-server.mjs <target> [binary]
//
// <target> is a vsce target named like Node's <platform>-<arch> (linux-x64,
// linux-arm64, darwin-x64, darwin-arm64, win32-x64, win32-arm64). The binary
// is the argument, else $FAILCAST_BINARY, else the workspace's
// target/release/failcast[.exe] (`cargo build --release -p failcast`).
// server/ is emptied first, so a .vsix never carries another target's binary.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const TARGETS = ["linux-x64", "linux-arm64", "darwin-x64", "darwin-arm64", "win32-x64", "win32-arm64"];

const extension = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const repo = path.resolve(extension, "..", "..");

const [target, given] = process.argv.slice(2);
if (!TARGETS.includes(target)) {
    console.error(`usage: node scripts/bundle-server.mjs <${TARGETS.join("|")}> [binary]`);
    process.exit(2);
}
const exe = target.startsWith("win32-") ? "failcast.exe" : "failcast";
const binary = path.resolve(given || process.env.FAILCAST_BINARY || path.join(repo, "target", "release", exe));
if (!fs.existsSync(binary)) {
    console.error(`${binary} does not exist: build it with \`cargo build --release -p failcast\` or pass its path`);
    process.exit(1);
}

// A binary for this machine must answer as the extension will ask it to; one
// cross-built for another target cannot be run here.
if (target === `${process.platform}-${process.arch}`) {
    const version = execFileSync(binary, ["--version"], { encoding: "utf8", timeout: 10_000 }).trim();
    if (!/^failcast \d+\.\d+\.\d+/.test(version)) {
        console.error(`${binary} --version printed ${JSON.stringify(version)}, not "failcast <version>"`);
        process.exit(1);
    }
    console.log(`bundling ${version} (${binary})`);
} else {
    console.log(`bundling ${binary} for ${target} (not run: this machine is ${process.platform}-${process.arch})`);
}

const server = path.join(extension, "server");
fs.rmSync(server, { recursive: true, force: true });
fs.mkdirSync(path.join(server, target), { recursive: true });
const bundled = path.join(server, target, exe);
fs.copyFileSync(binary, bundled);
fs.chmodSync(bundled, 0o755);
console.log(`copied to ${path.relative(extension, bundled)}`);
