-- failcast for Neovim 0.7 to 0.10 (works on 0.11+ too, where lsp/failcast.lua
-- with vim.lsp.enable('failcast') is the simpler way).
--
--   require('failcast').setup({
--     settings = { failcast = { model = { name = 'qwen2.5-coder-0.5b' } } },
--   })
--
-- setup() starts one failcast client per project root and attaches it to every
-- buffer whose filetype failcast serves: with vim.lsp.start on 0.8+, with
-- vim.lsp.start_client + vim.lsp.buf_attach_client on 0.7.

local M = {}

local uv = vim.loop

M.filetypes = {
  'rust',
  'python',
  'typescript',
  'typescriptreact',
  'javascript',
  'javascriptreact',
  'go',
  'java',
}

M.root_markers = {
  '.git',
  'failcast.toml',
  'Cargo.toml',
  'pyproject.toml',
  'setup.py',
  'package.json',
  'go.mod',
  'pom.xml',
  'build.gradle',
}

---The defaults setup() starts from; opts override them key by key.
function M.defaults()
  return {
    cmd = { vim.env.FAILCAST_SERVER or 'failcast', 'lsp' },
    filetypes = vim.deepcopy(M.filetypes),
    root_markers = vim.deepcopy(M.root_markers),
    -- Sent as {"settings": {"failcast": ...}} in workspace/didChangeConfiguration,
    -- using failcast.toml's snake_case keys and nesting. Whatever is set here
    -- overrides failcast.toml, so leave out what the project file should decide.
    settings = { failcast = vim.empty_dict() },
    -- Sent as initializationOptions (same snake_case shape as settings.failcast).
    init_options = nil,
    -- Refresh code lenses (vim.lsp.codelens) on BufEnter, CursorHold and InsertLeave.
    codelens = true,
    on_attach = nil,
    capabilities = nil,
  }
end

local state = {
  config = nil,
  ---@type table<string, integer> root_dir -> client id (0.7 only; vim.lsp.start reuses clients itself)
  clients = {},
  status = nil,
  group = nil,
}

local function has(version)
  return vim.fn.has('nvim-' .. version) == 1
end

---client.request changed from a field to a method in 0.11.
local function request(client, method, params, handler, bufnr)
  if has('0.11') then
    return client:request(method, params, handler, bufnr)
  end
  return client.request(method, params, handler, bufnr)
end

local function dirname(path)
  return vim.fn.fnamemodify(path, ':h')
end

---The nearest directory at or above `path` that holds one of `markers`, else nil.
---@param path string a file or directory
---@param markers string[]
---@return string|nil
function M.find_root(path, markers)
  local dir = path
  local stat = uv.fs_stat(dir)
  if not stat or stat.type ~= 'directory' then
    dir = dirname(dir)
  end
  while dir and dir ~= '' do
    for _, marker in ipairs(markers) do
      if uv.fs_stat(dir .. '/' .. marker) then
        return dir
      end
    end
    local parent = dirname(dir)
    if parent == dir then
      break
    end
    dir = parent
  end
  return nil
end

local function notify(message, level)
  vim.schedule(function()
    vim.notify('failcast: ' .. message, level or vim.log.levels.INFO)
  end)
end

---Opens the markdown of `failcast.showTrace` in a floating window.
local function show_markdown(markdown)
  vim.lsp.util.open_floating_preview(vim.split(markdown, '\n', { plain = true }), 'markdown', {
    border = 'rounded',
    focus_id = 'failcast.showTrace',
  })
end

---Runs `failcast.showTrace` on the server and shows the result. Code lenses
---carry this command; Neovim would drop the result without a client-side handler.
local function show_trace(command, ctx)
  local client = vim.lsp.get_client_by_id(ctx.client_id)
  if not client then
    return
  end
  request(client, 'workspace/executeCommand', {
    command = 'failcast.showTrace',
    arguments = command.arguments,
  }, function(err, result)
    if err then
      notify(err.message or tostring(err), vim.log.levels.ERROR)
      return
    end
    local markdown = type(result) == 'table' and result.markdown or nil
    if type(markdown) ~= 'string' or markdown == '' then
      notify('no predicted failures for this function yet')
      return
    end
    show_markdown(markdown)
  end, ctx.bufnr)
end

local function on_status(_, params)
  state.status = params
  vim.g.failcast_status = params
  if has('0.8') then
    vim.api.nvim_exec_autocmds('User', { pattern = 'FailcastStatus', data = params, modeline = false })
  else
    vim.api.nvim_exec_autocmds('User', { pattern = 'FailcastStatus', modeline = false })
  end
end

---A short text for the statusline: "failcast: ready", "failcast: static only", …
function M.status()
  local s = state.status
  if type(s) ~= 'table' then
    return ''
  end
  local labels = { loading = 'loading model', ready = 'ready', static = 'static only', error = 'error' }
  return 'failcast: ' .. (labels[s.state] or tostring(s.state))
end

local function failcast_client(bufnr)
  local clients = has('0.10') and vim.lsp.get_clients({ bufnr = bufnr, name = 'failcast' })
    or vim.lsp.buf_get_clients(bufnr)
  for _, client in pairs(clients) do
    if client.name == 'failcast' then
      return client
    end
  end
  return nil
end

local function cursor_params(bufnr)
  local cursor = vim.api.nvim_win_get_cursor(0)
  local line = vim.api.nvim_buf_get_lines(bufnr, cursor[1] - 1, cursor[1], false)[1] or ''
  -- LSP positions count UTF-16 code units, the only encoding Neovim 0.7 offers.
  local character = vim.str_utfindex(line, math.min(cursor[2], #line))
  return { uri = vim.uri_from_bufnr(bufnr), position = { line = cursor[1] - 1, character = character } }
end

---Sends a failcast command for the cursor position of the current buffer.
local function run_server_command(name, with_cursor, on_result)
  local bufnr = vim.api.nvim_get_current_buf()
  local client = failcast_client(bufnr)
  if not client then
    notify('no failcast client attached to this buffer', vim.log.levels.WARN)
    return
  end
  local arguments = with_cursor and { cursor_params(bufnr) } or {}
  request(client, 'workspace/executeCommand', { command = name, arguments = arguments }, function(err, result)
    if err then
      notify(err.message or tostring(err), vim.log.levels.ERROR)
    elseif on_result then
      on_result(result)
    end
  end, bufnr)
end

local function create_user_commands()
  vim.api.nvim_create_user_command('FailcastPredict', function()
    run_server_command('failcast.predict', true)
  end, { desc = 'failcast: predict the function under the cursor now' })
  vim.api.nvim_create_user_command('FailcastShowTrace', function()
    run_server_command('failcast.showTrace', true, function(result)
      local markdown = type(result) == 'table' and result.markdown or nil
      if type(markdown) == 'string' and markdown ~= '' then
        show_markdown(markdown)
      else
        notify('no predicted failures for this function yet')
      end
    end)
  end, { desc = 'failcast: show the predicted traces of the function under the cursor' })
  vim.api.nvim_create_user_command('FailcastRestartEngine', function()
    run_server_command('failcast.restartEngine', false)
  end, { desc = 'failcast: reload the model' })
  vim.api.nvim_create_user_command('FailcastStatus', function()
    print(M.status() ~= '' and (M.status() .. (state.status.message and (' — ' .. state.status.message) or '')) or 'failcast: no status yet')
  end, { desc = 'failcast: show the engine state' })
end

local function enable_codelens(client, bufnr)
  local provider = client.server_capabilities and client.server_capabilities.codeLensProvider
    or (client.resolved_capabilities and client.resolved_capabilities.code_lens)
  if not provider then
    return
  end
  vim.api.nvim_create_autocmd({ 'BufEnter', 'CursorHold', 'InsertLeave' }, {
    group = state.group,
    buffer = bufnr,
    callback = function()
      vim.lsp.codelens.refresh()
    end,
  })
  vim.lsp.codelens.refresh()
end

local function client_config(root_dir)
  local config = state.config
  return {
    name = 'failcast',
    cmd = config.cmd,
    root_dir = root_dir,
    workspace_folders = { { uri = vim.uri_from_fname(root_dir), name = root_dir } },
    settings = config.settings,
    init_options = config.init_options,
    capabilities = config.capabilities,
    commands = { ['failcast.showTrace'] = show_trace },
    handlers = { ['failcast/status'] = on_status },
    on_attach = function(client, bufnr)
      if config.codelens then
        enable_codelens(client, bufnr)
      end
      if config.on_attach then
        config.on_attach(client, bufnr)
      end
    end,
  }
end

---Starts (or reuses) the failcast client for `bufnr`'s project and attaches it.
---@return integer|nil client id
function M.attach(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  if vim.bo[bufnr].buftype ~= '' then
    return nil
  end
  local name = vim.api.nvim_buf_get_name(bufnr)
  local start = name ~= '' and name or vim.fn.getcwd()
  local root_dir = M.find_root(start, state.config.root_markers)
    or (name ~= '' and dirname(name) or vim.fn.getcwd())
  local config = client_config(root_dir)

  if vim.lsp.start then
    return vim.lsp.start(config, { bufnr = bufnr })
  end

  local id = state.clients[root_dir]
  local client = id and vim.lsp.get_client_by_id(id)
  if not client or client.is_stopped() then
    id = vim.lsp.start_client(config)
    if not id then
      notify('could not start ' .. table.concat(config.cmd, ' '), vim.log.levels.ERROR)
      return nil
    end
    state.clients[root_dir] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
  return id
end

---@param opts table|nil see M.defaults()
function M.setup(opts)
  local config = M.defaults()
  for key, value in pairs(opts or {}) do
    config[key] = value
  end
  if vim.fn.executable(config.cmd[1]) ~= 1 then
    notify(
      ('`%s` is not executable: set FAILCAST_SERVER, pass cmd to setup(), or run `cargo install --locked --git https://github.com/failcast/failcast failcast`'):format(
        config.cmd[1]
      ),
      vim.log.levels.WARN
    )
  end
  state.config = config
  state.group = vim.api.nvim_create_augroup('failcast', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = state.group,
    pattern = config.filetypes,
    callback = function(args)
      M.attach(args.buf)
    end,
  })
  create_user_commands()
  -- Buffers opened before setup() ran.
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and vim.tbl_contains(config.filetypes, vim.bo[bufnr].filetype) then
      M.attach(bufnr)
    end
  end
end

return M
