import * as assert from "node:assert/strict";
import { describe, it } from "node:test";

import {
    SERVER_SETTINGS,
    configurationSection,
    readFromObject,
    snakeCase,
    toServerSettings,
    type ReadSetting,
} from "../../src/settings";

describe("snakeCase", () => {
    for (const [camel, snake] of [
        ["name", "name"],
        ["maxPromptTokens", "max_prompt_tokens"],
        ["apiKeyEnv", "api_key_env"],
        ["timeoutMs", "timeout_ms"],
        ["includeTests", "include_tests"],
        ["loraScale", "lora_scale"],
    ]) {
        it(`${camel} → ${snake}`, () => assert.equal(snakeCase(camel), snake));
    }

    it("the table's toml keys are the snake_case of its VS Code keys", () => {
        for (const setting of SERVER_SETTINGS) {
            assert.equal(setting.key.split(".").map(snakeCase).join("."), setting.toml, setting.key);
        }
    });
});

describe("toServerSettings", () => {
    it("maps nested camelCase settings to the failcast.toml shape", () => {
        const mapped = toServerSettings(
            readFromObject({
                model: { name: "qwen2.5-coder-0.5b", maxPromptTokens: 2048, apiKeyEnv: "MY_KEY", loraScale: 0.5 },
                predict: { debounceMs: 0, traceDepth: 5 },
                severity: { latent: "hint", classes: { timeout: "warning", key_missing: "error" } },
                files: { languages: ["python", "go"], ignore: ["vendor/**"], includeTests: true },
                corpus: { path: "/tmp/corpus.db" },
            }),
        );
        assert.deepEqual(mapped, {
            model: { name: "qwen2.5-coder-0.5b", max_prompt_tokens: 2048, api_key_env: "MY_KEY", lora_scale: 0.5 },
            predict: { debounce_ms: 0, trace_depth: 5 },
            severity: { latent: "hint", classes: { timeout: "warning", key_missing: "error" } },
            files: { languages: ["python", "go"], ignore: ["vendor/**"], include_tests: true },
            corpus: { path: "/tmp/corpus.db" },
        });
    });

    it("leaves out settings nobody set, so failcast.toml keeps its say", () => {
        assert.deepEqual(toServerSettings(readFromObject({})), {});
        assert.deepEqual(toServerSettings(readFromObject({ model: { threads: 4 } })), { model: { threads: 4 } });
    });

    it("tells set values from contributed defaults the way VS Code's inspect() does", () => {
        // VS Code's get() returns the default for an unset key; only isSet says it was not chosen.
        const read: ReadSetting = (key) => {
            const setting = SERVER_SETTINGS.find((s) => s.key === key)!;
            if (key === "severity.manifest") return { value: "error", isSet: true };
            return { value: setting.default, isSet: false };
        };
        assert.deepEqual(toServerSettings(read), { severity: { manifest: "error" } });
    });

    it("a value set to the default is still sent: the user chose it over failcast.toml", () => {
        assert.deepEqual(toServerSettings(readFromObject({ model: { backend: "embedded" } })), { model: { backend: "embedded" } });
    });

    it("with includeDefaults, fills every key with the TOML defaults", () => {
        const mapped = toServerSettings(readFromObject({ model: { backend: "off" } }), { includeDefaults: true });
        assert.deepEqual(mapped, {
            model: {
                name: "smollm2-135m",
                path: "",
                backend: "off",
                endpoint: "",
                remote_model: "",
                api_key_env: "FAILCAST_API_KEY",
                timeout_ms: 30000,
                retries: 2,
                fallback: "embedded",
                threads: 0,
                max_prompt_tokens: 1536,
                max_output_tokens: 320,
                queue_capacity: 64,
                lora: "",
                lora_scale: 1.0,
            },
            predict: { debounce_ms: 300, trace_depth: 3 },
            severity: { latent: "information", manifest: "warning", classes: {}, max_per_function: 3 },
            files: {
                languages: ["rust", "python", "typescript", "tsx", "javascript", "go", "java"],
                ignore: [],
                include_tests: false,
            },
            corpus: { path: ".failcast/corpus.db" },
        });
    });

    it("never sends extension-only settings", () => {
        const mapped = toServerSettings(
            readFromObject({ server: { path: "/x/failcast", extraEnv: { A: "1" } }, trace: { server: "verbose" } }),
            { includeDefaults: true },
        );
        assert.equal("server" in mapped, false);
        assert.equal("trace" in mapped, false);
    });

    it("keeps failure class keys as they are and copies values", () => {
        const classes = { timezone_dst: "off" };
        const mapped = toServerSettings(readFromObject({ severity: { classes } }));
        assert.deepEqual(mapped, { severity: { classes: { timezone_dst: "off" } } });
        (mapped.severity as { classes: Record<string, string> }).classes.timezone_dst = "error";
        assert.equal(classes.timezone_dst, "off");
    });

    it("ignores unknown keys and null values", () => {
        assert.deepEqual(toServerSettings(readFromObject({ model: { nonsense: 1, name: null }, other: { x: 1 } })), {});
    });
});

describe("configurationSection", () => {
    const mapped = { model: { name: "qwen2.5-coder-1.5b", max_prompt_tokens: 900 } };

    it("answers the whole failcast section", () => {
        assert.deepEqual(configurationSection(mapped, "failcast"), { value: mapped });
    });

    it("answers nested snake_case sections", () => {
        assert.deepEqual(configurationSection(mapped, "failcast.model"), { value: mapped.model });
        assert.deepEqual(configurationSection(mapped, "failcast.model.max_prompt_tokens"), { value: 900 });
        assert.deepEqual(configurationSection(mapped, "failcast.predict"), { value: null });
        assert.deepEqual(configurationSection(mapped, "failcast.model.name.deeper"), { value: null });
    });

    it("leaves other sections to VS Code", () => {
        assert.equal(configurationSection(mapped, "python"), undefined);
        assert.equal(configurationSection(mapped, "failcastx"), undefined);
        assert.equal(configurationSection(mapped, undefined), undefined);
    });
});
