import * as assert from "node:assert/strict";
import { describe, it } from "node:test";

import { fetchModelArgs, predictArguments, serverEnvironment, showTraceArguments, traceMarkdown, traceSource } from "../../src/protocol";

describe("command arguments", () => {
    it("failcast.predict takes [{uri, position?}]", () => {
        assert.deepEqual(predictArguments("file:///a.py", { line: 3, character: 4 }), [
            { uri: "file:///a.py", position: { line: 3, character: 4 } },
        ]);
        assert.deepEqual(predictArguments("file:///a.py"), [{ uri: "file:///a.py" }]);
    });

    it("failcast.showTrace takes [{uri, position}]", () => {
        assert.deepEqual(showTraceArguments("file:///a.py", { line: 1, character: 0 }), [
            { uri: "file:///a.py", position: { line: 1, character: 0 } },
        ]);
    });

    it("model fetch", () => {
        assert.deepEqual(fetchModelArgs("qwen2.5-coder-0.5b"), ["model", "fetch", "qwen2.5-coder-0.5b"]);
    });
});

describe("showTrace results", () => {
    it("extracts non-empty markdown", () => {
        assert.equal(traceMarkdown({ markdown: "## get_user\n```\nTraceback\n```" }), "## get_user\n```\nTraceback\n```");
        for (const empty of [null, undefined, "text", {}, { markdown: "" }, { markdown: "  \n" }, { markdown: 3 }]) {
            assert.equal(traceMarkdown(empty), undefined);
        }
    });

    it("finds the source uri of code lens arguments", () => {
        assert.equal(traceSource([{ uri: "file:///a.py", functionId: "a.py::get_user" }]), "file:///a.py");
        assert.equal(traceSource([]), undefined);
        assert.equal(traceSource(undefined), undefined);
        assert.equal(traceSource(["file:///a.py"]), undefined);
    });
});

describe("serverEnvironment", () => {
    it("adds extraEnv over the inherited environment, strings only", () => {
        const env = serverEnvironment(
            { PATH: "/bin", FAILCAST_LOG: "info", GONE: undefined },
            { FAILCAST_LOG: "failcast=debug", THREADS: 4, FLAG: true, NESTED: { no: 1 } },
        );
        assert.deepEqual(env, { PATH: "/bin", FAILCAST_LOG: "failcast=debug", THREADS: "4", FLAG: "true" });
    });

    it("tolerates a missing or malformed extraEnv", () => {
        assert.deepEqual(serverEnvironment({ A: "1" }, undefined), { A: "1" });
        assert.deepEqual(serverEnvironment({ A: "1" }, "x"), { A: "1" });
    });
});
