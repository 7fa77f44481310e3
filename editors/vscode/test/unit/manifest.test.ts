// package.json is what VS Code reads: its contributed settings must be exactly
// the ones the mapping knows, with the server's defaults, or a setting would
// silently never reach the server.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";

import { EXTENSION_COMMANDS } from "../../src/protocol";
import { EXTENSION_SETTINGS, FAILURE_CLASSES, FILE_LANGUAGES, LSP_LANGUAGE_IDS, MODEL_CATALOG, SERVER_SETTINGS, SEVERITIES } from "../../src/settings";
import { packageRoot } from "../packageRoot";

interface Property {
    type: string;
    default: unknown;
    enum?: string[];
    enumDescriptions?: string[];
    description?: string;
    markdownDescription?: string;
    items?: { enum?: string[] };
    propertyNames?: { enum?: string[] };
    additionalProperties?: { enum?: string[] };
}

const manifest = JSON.parse(fs.readFileSync(path.join(packageRoot(), "package.json"), "utf8"));
const properties: Record<string, Property> = manifest.contributes.configuration.properties;

describe("package.json", () => {
    it("contributes exactly the mapped settings plus the extension's own", () => {
        const expected = [...SERVER_SETTINGS.map((s) => `failcast.${s.key}`), ...EXTENSION_SETTINGS.map((k) => `failcast.${k}`)].sort();
        assert.deepEqual(Object.keys(properties).sort(), expected);
    });

    it("contributed defaults are the server's defaults", () => {
        for (const setting of SERVER_SETTINGS) {
            assert.deepEqual(properties[`failcast.${setting.key}`].default, setting.default, setting.key);
        }
    });

    it("every setting is described, and every enum value too", () => {
        for (const [key, property] of Object.entries(properties)) {
            assert.ok(property.description || property.markdownDescription, `${key} has no description`);
            if (property.enum) {
                assert.equal(property.enumDescriptions?.length, property.enum.length, `${key} enumDescriptions`);
            }
        }
    });

    it("enums match the server's vocabularies", () => {
        assert.deepEqual(properties["failcast.model.name"].enum, [...MODEL_CATALOG]);
        assert.deepEqual(properties["failcast.model.backend"].enum, ["embedded", "openai", "off"]);
        assert.deepEqual(properties["failcast.severity.latent"].enum, [...SEVERITIES]);
        assert.deepEqual(properties["failcast.severity.manifest"].enum, [...SEVERITIES]);
        assert.deepEqual(properties["failcast.severity.classes"].propertyNames?.enum, [...FAILURE_CLASSES]);
        assert.deepEqual(properties["failcast.severity.classes"].additionalProperties?.enum, [...SEVERITIES]);
        assert.deepEqual(properties["failcast.files.languages"].items?.enum, [...FILE_LANGUAGES]);
        assert.deepEqual(properties["failcast.trace.server"].enum, ["off", "messages", "verbose"]);
    });

    it("contributes every extension command, and activates on every served language", () => {
        const contributed = manifest.contributes.commands.map((c: { command: string }) => c.command).sort();
        assert.deepEqual(contributed, Object.values(EXTENSION_COMMANDS).sort());
        for (const language of LSP_LANGUAGE_IDS) {
            assert.ok(manifest.activationEvents.includes(`onLanguage:${language}`), language);
        }
    });

    it("has what vsce needs to package without prompting", () => {
        assert.ok(manifest.publisher);
        assert.ok(manifest.repository?.url);
        assert.ok(manifest.license);
        assert.ok(manifest.engines?.vscode);
        assert.ok(fs.existsSync(path.join(packageRoot(), "LICENSE")));
        assert.ok(fs.existsSync(path.join(packageRoot(), "README.md")));
        assert.equal(manifest.main, "./dist/extension.js");
    });

    it("the bundled languageclient is v9", () => {
        assert.match(manifest.dependencies["vscode-languageclient"], /^\^?9\./);
    });
});

describe("README.md", () => {
    const readme = fs.readFileSync(path.join(packageRoot(), "README.md"), "utf8");

    it("documents every setting and every command", () => {
        for (const key of Object.keys(properties)) assert.ok(readme.includes(`\`${key}\``), `README lacks ${key}`);
        for (const command of Object.values(EXTENSION_COMMANDS)) {
            if (command === EXTENSION_COMMANDS.statusMenu) continue;
            assert.ok(readme.includes(`\`${command}\``), `README lacks ${command}`);
        }
    });
});
