-- End-to-end test in a real, headless Neovim (0.7+): attach failcast through
-- lua/failcast (vim.lsp.start_client + buf_attach_client on 0.7), open a
-- Python fixture, wait for failcast's diagnostics, ask for a hover, code
-- actions and code lenses, run a code lens, and write everything Neovim
-- received to $FAILCAST_E2E_OUT as JSON. check.py asserts on that file.
--
-- Environment: FAILCAST_SERVER (binary), FAILCAST_E2E_WORKSPACE (a copy of
-- test/fixtures), FAILCAST_E2E_OUT, FAILCAST_E2E_TIMEOUT_MS (per wait).

local timeout = tonumber(vim.env.FAILCAST_E2E_TIMEOUT_MS) or 20000
local out = { nvim = tostring(vim.version().major .. '.' .. vim.version().minor .. '.' .. vim.version().patch), errors = {}, waits = {} }

local function fail(message)
  table.insert(out.errors, message)
end

---Waits for `condition`; records how long it took or that it timed out.
local function wait_for(what, condition, ms)
  local started = vim.loop.hrtime()
  local ok = vim.wait(ms or timeout, condition, 20)
  table.insert(out.waits, { what = what, ok = ok, ms = math.floor((vim.loop.hrtime() - started) / 1e6) })
  if not ok then
    fail(('timed out after %d ms waiting for %s'):format(ms or timeout, what))
  end
  return ok
end

local function failcast_client(bufnr)
  local clients = vim.lsp.get_clients and vim.lsp.get_clients({ bufnr = bufnr }) or vim.lsp.buf_get_clients(bufnr)
  for _, client in pairs(clients) do
    if client.name == 'failcast' then
      return client
    end
  end
end

local function markup_text(contents)
  if type(contents) == 'string' then
    return contents
  end
  if type(contents) ~= 'table' then
    return ''
  end
  if contents.value then
    return contents.value
  end
  local parts = {}
  for _, item in ipairs(contents) do
    table.insert(parts, type(item) == 'string' and item or item.value or '')
  end
  return table.concat(parts, '\n')
end

local function first_result(responses)
  for _, response in pairs(responses or {}) do
    if response.error then
      fail('server error: ' .. vim.inspect(response.error))
    elseif response.result ~= nil then
      return response.result
    end
  end
end

local function main()
  local binary = assert(vim.env.FAILCAST_SERVER, 'FAILCAST_SERVER is not set')
  local workspace = assert(vim.env.FAILCAST_E2E_WORKSPACE, 'FAILCAST_E2E_WORKSPACE is not set')
  out.workspace = workspace
  vim.cmd('filetype on')

  local settings = { failcast = { model = { backend = 'off' }, predict = { debounce_ms = 0 } } }
  local init_options = { model = { backend = 'off' }, predict = { debounce_ms = 0 } }
  local function on_attach(client)
    out.attached = true
    out.server_capabilities = {
      hover = client.server_capabilities.hoverProvider and true or false,
      code_action = client.server_capabilities.codeActionProvider and true or false,
      code_lens = client.server_capabilities.codeLensProvider and true or false,
      commands = (client.server_capabilities.executeCommandProvider or {}).commands or {},
    }
  end

  out.mode = vim.env.FAILCAST_E2E_MODE or 'setup'
  if out.mode == 'enable' then
    -- Neovim 0.11+: lsp/failcast.lua from the runtimepath, as a user's vim.lsp.enable('failcast') loads it.
    vim.lsp.config('failcast', { cmd = { binary, 'lsp' }, settings = settings, init_options = init_options, on_attach = on_attach })
    vim.lsp.enable('failcast')
  else
    -- Any version from 0.7: lua/failcast's setup().
    -- The settings shape of the contract: {"settings": {"failcast": {...}}} with failcast.toml's keys.
    require('failcast').setup({ cmd = { binary, 'lsp' }, settings = settings, init_options = init_options, on_attach = on_attach })
  end

  vim.cmd('edit ' .. vim.fn.fnameescape(workspace .. '/app/users.py'))
  local bufnr = vim.api.nvim_get_current_buf()
  out.filetype = vim.bo[bufnr].filetype
  out.uri = vim.uri_from_bufnr(bufnr)

  if not wait_for('failcast to attach and initialize', function()
    local client = failcast_client(bufnr)
    return client ~= nil and client.initialized == true
  end) then
    return
  end
  local client = failcast_client(bufnr)
  out.root_dir = client.config.root_dir

  wait_for('failcast diagnostics', function()
    for _, d in ipairs(vim.diagnostic.get(bufnr)) do
      if d.source == 'failcast' then
        return true
      end
    end
    return false
  end)
  out.diagnostics = {}
  local lsp_diagnostics = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(out.diagnostics, {
      lnum = d.lnum,
      end_lnum = d.end_lnum,
      col = d.col,
      end_col = d.end_col,
      severity = d.severity,
      message = d.message,
      source = d.source,
      code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code),
    })
    if d.user_data and d.user_data.lsp then
      -- What vim.lsp.buf.code_action sends: the LSP shape back from
      -- vim.diagnostic (0.7 keeps no range in user_data.lsp).
      local lsp = vim.deepcopy(d.user_data.lsp)
      lsp.range = {
        start = { line = d.lnum, character = d.col },
        ['end'] = { line = d.end_lnum or d.lnum, character = d.end_col or d.col },
      }
      lsp.message = lsp.message or d.message
      lsp.source = lsp.source or d.source
      lsp.severity = lsp.severity or d.severity
      table.insert(lsp_diagnostics, lsp)
    end
  end

  wait_for('a failcast/status notification', function()
    return vim.g.failcast_status ~= nil
  end, 5000)
  out.status = vim.g.failcast_status

  local hover = first_result(vim.lsp.buf_request_sync(bufnr, 'textDocument/hover', {
    textDocument = { uri = out.uri },
    position = { line = 3, character = 8 }, -- on "get_user" in "def get_user(url):"
  }, timeout))
  out.hover = hover and markup_text(hover.contents) or vim.NIL

  if lsp_diagnostics[1] then
    local actions = first_result(vim.lsp.buf_request_sync(bufnr, 'textDocument/codeAction', {
      textDocument = { uri = out.uri },
      range = lsp_diagnostics[1].range,
      context = { diagnostics = { lsp_diagnostics[1] } },
    }, timeout)) or {}
    out.code_actions = {}
    for _, action in ipairs(actions) do
      table.insert(out.code_actions, { title = action.title, has_edit = action.edit ~= nil, has_command = action.command ~= nil })
    end
  end

  -- Code lenses through Neovim's own vim.lsp.codelens, as a user sees them.
  vim.lsp.codelens.refresh()
  wait_for('code lenses', function()
    return #vim.lsp.codelens.get(bufnr) > 0
  end)
  out.code_lenses = {}
  for _, lens in ipairs(vim.lsp.codelens.get(bufnr)) do
    table.insert(out.code_lenses, {
      line = lens.range.start.line,
      title = lens.command and lens.command.title or vim.NIL,
      command = lens.command and lens.command.command or vim.NIL,
    })
  end

  -- Run the lens on the def line: lua/failcast's client command shows the trace in a float.
  local lens_line
  for _, lens in ipairs(out.code_lenses) do
    if lens.command == 'failcast.showTrace' then
      lens_line = lens.line
      break
    end
  end
  if lens_line then
    vim.api.nvim_win_set_cursor(0, { lens_line + 1, 0 })
    vim.lsp.codelens.run()
    local float
    wait_for('the showTrace float', function()
      for _, win in ipairs(vim.api.nvim_list_wins()) do
        if vim.api.nvim_win_get_config(win).relative ~= '' then
          float = win
          return true
        end
      end
      return false
    end)
    if float then
      out.trace_float = table.concat(vim.api.nvim_buf_get_lines(vim.api.nvim_win_get_buf(float), 0, -1, false), '\n')
    end
  end

  -- Shut down the way :qa would, and check that the server exits.
  vim.lsp.stop_client(client.id)
  out.stopped = wait_for('the server to stop', function()
    if vim.fn.has('nvim-0.11') == 1 then
      return client:is_stopped()
    end
    return client.is_stopped()
  end, 5000)
end

local ok, err = xpcall(main, debug.traceback)
if not ok then
  fail('error in e2e.lua: ' .. tostring(err))
end

local path = assert(vim.env.FAILCAST_E2E_OUT, 'FAILCAST_E2E_OUT is not set')
local file = assert(io.open(path, 'w'))
file:write(vim.fn.json_encode(out))
file:close()
vim.cmd('qa!')
