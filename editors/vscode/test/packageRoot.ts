import * as fs from "node:fs";
import * as path from "node:path";

/** editors/vscode, found from a compiled test file under out/. */
export function packageRoot(): string {
    let dir = __dirname;
    for (;;) {
        const manifest = path.join(dir, "package.json");
        if (fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, "utf8")).name === "failcast") return dir;
        const parent = path.dirname(dir);
        if (parent === dir) throw new Error(`no failcast package.json above ${__dirname}`);
        dir = parent;
    }
}
