"""failcast driven by pytest-lsp, a client we did not write.

The client is the plainest one: UTF-16 positions only, no
`documentChanges`, no work-done progress. Run with `make pytest-lsp` (part
of `make test`); FAILCAST_SERVER names the binary (default:
target/debug/failcast).
"""

import os
import pathlib
import shutil
import sys

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

REPO = pathlib.Path(__file__).resolve().parents[2]
SERVER = os.environ.get("FAILCAST_SERVER", str(REPO / "target/debug/failcast"))
FIXTURE = REPO / "server/core/tests/fixtures/testgen/python"

# 😀 is two UTF-16 code units, one code point and four UTF-8 bytes: the
# diagnostic's column says which encoding the server used.
SOURCE = '''import json


def label(payload):
    prefix = "😀"; data = json.loads(payload)
    return prefix + data["name"]
'''


@pytest.fixture
def workspace(tmp_path):
    for name in ["shop/__init__.py", "shop/pricing.py", "tests/test_existing.py"]:
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(FIXTURE / name, target)
    (tmp_path / "shop/labels.py").write_text(SOURCE, encoding="utf-8")
    return tmp_path


@pytest_lsp.fixture(
    config=ClientServerConfig(
        server_command=[SERVER, "lsp"],
        server_env={**os.environ, "FAILCAST_MODEL_BACKEND": "off"},
    )
)
async def client(lsp_client: LanguageClient, workspace):
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(),
            workspace_folders=[
                types.WorkspaceFolder(uri=workspace.as_uri(), name="workspace")
            ],
        )
    )
    lsp_client.workspace_path = workspace
    yield
    await lsp_client.shutdown_session()


def open_document(client: LanguageClient, path: pathlib.Path) -> str:
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri,
                language_id="python",
                version=1,
                text=path.read_text(encoding="utf-8"),
            )
        )
    )
    return uri


async def diagnostics_for(client: LanguageClient, uri: str):
    while uri not in client.diagnostics:
        await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    return client.diagnostics[uri]


async def test_utf16_positions_by_default(client: LanguageClient):
    uri = open_document(client, client.workspace_path / "shop/labels.py")
    diagnostics = await diagnostics_for(client, uri)
    parse = [d for d in diagnostics if d.code == "parse_error"]
    assert parse, diagnostics
    # `json.loads(payload)` starts after `    prefix = "😀"; data = `:
    # 4 + 10 + 2 (😀 in UTF-16) + 10 = column 26.
    assert parse[0].range.start == types.Position(line=4, character=26)
    assert parse[0].source == "failcast"


async def test_hover_shows_a_python_traceback(client: LanguageClient):
    uri = open_document(client, client.workspace_path / "shop/pricing.py")
    await diagnostics_for(client, uri)
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=5, character=6),
        )
    )
    assert hover is not None
    text = hover.contents.value
    assert "Traceback (most recent call last):" in text
    assert "ZeroDivisionError: division by zero" in text


async def test_code_actions_use_plain_changes(client: LanguageClient):
    uri = open_document(client, client.workspace_path / "shop/pricing.py")
    diagnostics = await diagnostics_for(client, uri)
    division = next(d for d in diagnostics if d.code == "division_by_zero")
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=division.range,
            context=types.CodeActionContext(diagnostics=[division]),
        )
    )
    titles = [a.title for a in actions]
    assert titles == [
        "failcast: write a test for Predicted ZeroDivisionError when len(cart) is 0",
        "failcast: ignore this prediction",
    ]
    write = actions[0].edit
    assert write.document_changes is None
    test_uri = (client.workspace_path / "tests/test_pricing.py").as_uri()
    assert list(write.changes) == [test_uri]
    assert write.changes[test_uri][0].new_text.startswith(
        "def test_per_item_division_by_zero():"
    )
    ignore = actions[1].edit.changes[uri][0]
    assert ignore.new_text == "    # failcast: ignore[division_by_zero]\n"
    assert ignore.range.start == types.Position(line=division.range.start.line, character=0)


async def test_no_progress_without_the_capability(client: LanguageClient):
    uri = open_document(client, client.workspace_path / "shop/pricing.py")
    await diagnostics_for(client, uri)
    assert client.progress_reports == {}


if __name__ == "__main__":
    sys.exit(pytest.main([__file__]))
