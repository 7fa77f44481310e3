// The .vsix ships only dist/extension.js (packaged with --no-dependencies), so
// the bundle must load with nothing but the `vscode` module from the editor.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import Module from "node:module";
import * as path from "node:path";
import { it } from "node:test";

import { packageRoot } from "../packageRoot";

const bundle = path.join(packageRoot(), "dist", "extension.js");

it("dist/extension.js loads with only `vscode` external and exports activate/deactivate", { skip: !fs.existsSync(bundle) && "run `npm run build` first" }, () => {
    // Anything the bundle touches at load time on `vscode` is answered by a permissive stub.
    const stub: unknown = new Proxy(function () {}, {
        get: (_target, key) => (key === "__esModule" ? false : stub),
        apply: () => stub,
        construct: () => stub as object,
    });
    const requested: string[] = [];
    const loader = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
    const original = loader._load;
    loader._load = function (request: string, ...rest: unknown[]) {
        if (request === "vscode") return stub;
        if (!request.startsWith("node:") && !Module.builtinModules.includes(request) && !request.startsWith(".") && !path.isAbsolute(request)) {
            requested.push(request);
        }
        return original.call(this, request, ...rest);
    };
    try {
        const extension = require(bundle) as { activate?: unknown; deactivate?: unknown };
        assert.equal(typeof extension.activate, "function");
        assert.equal(typeof extension.deactivate, "function");
    } finally {
        loader._load = original;
    }
    assert.deepEqual(requested, [], "the bundle requires packages that a --no-dependencies .vsix would not contain");
});
