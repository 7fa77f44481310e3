/**
 * Shows the markdown that `failcast.showTrace` returns in a markdown preview
 * of a read-only virtual document (scheme `failcast-trace`), one per source
 * file, refreshed in place when the traces of another function of the same
 * file are asked for.
 */

import * as vscode from "vscode";

export const TRACE_SCHEME = "failcast-trace";

export class TraceDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
    private readonly contents = new Map<string, string>();
    private readonly changed = new vscode.EventEmitter<vscode.Uri>();
    readonly onDidChange = this.changed.event;

    provideTextDocumentContent(uri: vscode.Uri): string {
        return this.contents.get(uri.toString()) ?? "";
    }

    async show(markdown: string, source: string | undefined): Promise<void> {
        const uri = traceUri(source);
        this.contents.set(uri.toString(), markdown);
        this.changed.fire(uri);
        try {
            await vscode.commands.executeCommand("markdown.showPreviewToSide", uri);
        } catch {
            // The built-in markdown extension can be disabled; the raw text is still readable.
            const document = await vscode.workspace.openTextDocument(uri);
            await vscode.languages.setTextDocumentLanguage(document, "markdown");
            await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Beside, preview: true });
        }
    }

    dispose(): void {
        this.changed.dispose();
    }
}

function traceUri(source: string | undefined): vscode.Uri {
    let name = "traces";
    if (source) {
        try {
            const parsed = vscode.Uri.parse(source);
            const base = parsed.path.split("/").pop();
            if (base) name = base;
        } catch {
            // Keep the generic name for a uri VS Code cannot parse.
        }
    }
    return vscode.Uri.from({ scheme: TRACE_SCHEME, path: `/failcast traces of ${name}.md`, query: source ?? "" });
}
