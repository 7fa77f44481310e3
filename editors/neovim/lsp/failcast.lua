-- failcast for Neovim 0.11+: put this directory on 'runtimepath' (or copy this
-- file to ~/.config/nvim/lsp/failcast.lua) and call vim.lsp.enable('failcast').
-- Override any field with vim.lsp.config('failcast', { ... }).
--
-- This file is self-contained on purpose, so it can be copied alone; the
-- defaults are the same as lua/failcast/init.lua's (a test checks it).

---Shows the markdown that `failcast.showTrace` returns. Code lenses carry
---this command; without a client-side handler Neovim would drop the result.
---@param command lsp.Command
---@param ctx { bufnr: integer, client_id: integer }
local function show_trace(command, ctx)
  local client = assert(vim.lsp.get_client_by_id(ctx.client_id))
  client:request('workspace/executeCommand', {
    command = command.command,
    arguments = command.arguments,
  }, function(err, result)
    if err then
      vim.notify('failcast: ' .. err.message, vim.log.levels.ERROR)
      return
    end
    local markdown = type(result) == 'table' and result.markdown or nil
    if type(markdown) ~= 'string' or markdown == '' then
      vim.notify('failcast: no predicted failures for this function yet', vim.log.levels.INFO)
      return
    end
    vim.lsp.util.open_floating_preview(vim.split(markdown, '\n', { plain = true }), 'markdown', {
      border = 'rounded',
      focus_id = 'failcast.showTrace',
    })
  end, ctx.bufnr)
end

---@type vim.lsp.Config
return {
  cmd = { vim.env.FAILCAST_SERVER or 'failcast', 'lsp' },
  filetypes = {
    'rust',
    'python',
    'typescript',
    'typescriptreact',
    'javascript',
    'javascriptreact',
    'go',
    'java',
  },
  root_markers = {
    '.git',
    'failcast.toml',
    'Cargo.toml',
    'pyproject.toml',
    'setup.py',
    'package.json',
    'go.mod',
    'pom.xml',
    'build.gradle',
  },
  -- Sent as {"settings": {"failcast": ...}} in workspace/didChangeConfiguration,
  -- with failcast.toml's snake_case keys and nesting, e.g.
  -- settings = { failcast = { model = { name = 'qwen2.5-coder-0.5b' }, severity = { latent = 'hint' } } }.
  -- Leave out what failcast.toml should decide: these override it.
  settings = { failcast = vim.empty_dict() },
  commands = { ['failcast.showTrace'] = show_trace },
  handlers = {
    ['failcast/status'] = function(_, params)
      vim.g.failcast_status = params
      vim.api.nvim_exec_autocmds('User', { pattern = 'FailcastStatus', data = params, modeline = false })
    end,
  },
}
