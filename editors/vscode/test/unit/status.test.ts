import * as assert from "node:assert/strict";
import { describe, it } from "node:test";

import { INITIAL_STATUS, parseStatusParams, reduceStatus, statusView, type StatusEvent, type StatusModel } from "../../src/status";

function run(...events: StatusEvent[]): StatusModel {
    return events.reduce(reduceStatus, INITIAL_STATUS);
}

describe("failcast/status", () => {
    it("starts as starting", () => {
        assert.equal(statusView(INITIAL_STATUS).text, "$(sync~spin) failcast");
    });

    it("maps each server state to a status bar text", () => {
        const texts = Object.fromEntries(
            (["loading", "ready", "static", "error"] as const).map((state) => [
                state,
                statusView(run({ type: "status", params: { state, message: `m-${state}` } })).text,
            ]),
        );
        assert.deepEqual(texts, {
            loading: "$(sync~spin) failcast: loading model",
            ready: "$(pulse) failcast",
            static: "$(circle-outline) failcast: static only",
            error: "$(error) failcast: error",
        });
    });

    it("keeps the model name and puts message and model in the tooltip", () => {
        const model = run(
            { type: "status", params: { state: "loading", message: "loading smollm2", model: "smollm2-135m" } },
            { type: "status", params: { state: "ready", message: "model loaded in 1.2 s" } },
        );
        assert.equal(model.engine, "ready");
        assert.equal(model.model, "smollm2-135m");
        const view = statusView(model);
        assert.match(view.tooltip, /ready \(smollm2-135m\)/);
        assert.match(view.tooltip, /model loaded in 1\.2 s/);
        assert.equal(view.emphasis, undefined);
    });

    it("errors are emphasised", () => {
        assert.equal(statusView(run({ type: "status", params: { state: "error", message: "bad gguf" } })).emphasis, "error");
    });

    it("ignores malformed params", () => {
        for (const params of [null, 3, {}, { state: "exploded", message: "" }, { state: 1 }]) {
            assert.equal(parseStatusParams(params), undefined);
            assert.deepEqual(run({ type: "status", params }), INITIAL_STATUS);
        }
        assert.deepEqual(parseStatusParams({ state: "static" }), { state: "static", message: "", model: undefined });
    });
});

describe("client lifecycle", () => {
    it("running without a server status means ready; a server status wins", () => {
        assert.equal(run({ type: "clientRunning" }).engine, "ready");
        const model = run({ type: "status", params: { state: "loading", message: "" } }, { type: "clientRunning" });
        assert.equal(model.engine, "loading");
    });

    it("stop, failure and a missing binary", () => {
        assert.equal(statusView(run({ type: "clientRunning" }, { type: "clientStopped" })).text, "$(circle-slash) failcast: stopped");
        const failed = run({ type: "clientFailed", message: "spawn EACCES" });
        assert.equal(failed.engine, "error");
        assert.match(statusView(failed).tooltip, /spawn EACCES/);
        const missing = statusView(run({ type: "serverNotFound", message: "Set failcast.server.path" }));
        assert.equal(missing.text, "$(error) failcast: no server");
        assert.equal(missing.emphasis, "error");
    });

    it("a restart clears progress but remembers the model", () => {
        const model = run(
            { type: "status", params: { state: "ready", message: "", model: "qwen2.5-coder-0.5b" } },
            { type: "progress", token: 1, value: { kind: "begin", title: "failcast: indexing workspace" } },
            { type: "clientStarting" },
        );
        assert.deepEqual(model.progress, []);
        assert.equal(model.engine, "starting");
        assert.equal(model.model, "qwen2.5-coder-0.5b");
    });
});

describe("$/progress", () => {
    it("shows the newest work in progress, then falls back to the engine state", () => {
        let model = run({ type: "status", params: { state: "static", message: "no model" } });
        model = reduceStatus(model, { type: "progress", token: "idx", value: { kind: "begin", title: "failcast: indexing workspace", percentage: 0 } });
        assert.equal(statusView(model).text, "$(sync~spin) failcast: indexing workspace 0%");
        model = reduceStatus(model, { type: "progress", token: "idx", value: { kind: "report", message: "120/300 files", percentage: 40 } });
        assert.equal(statusView(model).text, "$(sync~spin) failcast: indexing workspace 40%");
        assert.match(statusView(model).tooltip, /indexing workspace: 120\/300 files/);
        model = reduceStatus(model, { type: "progress", token: 7, value: { kind: "begin", title: "failcast: loading model" } });
        assert.equal(statusView(model).text, "$(sync~spin) failcast: loading model");
        model = reduceStatus(model, { type: "progress", token: 7, value: { kind: "end" } });
        assert.equal(statusView(model).text, "$(sync~spin) failcast: indexing workspace 40%");
        model = reduceStatus(model, { type: "progress", token: "idx", value: { kind: "end", message: "done" } });
        assert.equal(statusView(model).text, "$(circle-outline) failcast: static only");
    });

    it("reports and ends for unknown tokens change nothing", () => {
        const model = run({ type: "clientRunning" });
        assert.equal(reduceStatus(model, { type: "progress", token: "x", value: { kind: "report", percentage: 3 } }), model);
        assert.equal(reduceStatus(model, { type: "progress", token: "x", value: { kind: "end" } }), model);
    });

    it("numeric and string tokens with the same text are one token", () => {
        let model = run({ type: "progress", token: 5, value: { kind: "begin", title: "t" } });
        model = reduceStatus(model, { type: "progress", token: "5", value: { kind: "end" } });
        assert.deepEqual(model.progress, []);
    });

    it("an error outranks progress", () => {
        const model = run(
            { type: "progress", token: 1, value: { kind: "begin", title: "failcast: loading model" } },
            { type: "status", params: { state: "error", message: "model file is corrupt" } },
        );
        assert.equal(statusView(model).text, "$(error) failcast: error");
    });
});
