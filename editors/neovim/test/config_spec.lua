-- Checks of the Neovim configuration that need no failcast binary: run in
-- headless Neovim by run.sh. lsp/failcast.lua (for 0.11+) and
-- lua/failcast (for older versions) must agree, setup() must hook every
-- served filetype, and root detection must find the markers.
-- Exits with :cquit on failure; prints "N passed, N failed".

local plugin = vim.env.FAILCAST_PLUGIN_DIR
local results = { passed = 0, failed = 0 }

local function check(name, fn)
  local ok, err = pcall(fn)
  if ok then
    results.passed = results.passed + 1
    io.stdout:write('  PASS ' .. name .. '\n')
  else
    results.failed = results.failed + 1
    io.stdout:write('  FAIL ' .. name .. '\n       ' .. tostring(err) .. '\n')
  end
end

local function eq(expected, actual, what)
  if not vim.deep_equal(expected, actual) then
    error(('%s: expected %s, got %s'):format(what or 'value', vim.inspect(expected), vim.inspect(actual)), 2)
  end
end

local FILETYPES = { 'rust', 'python', 'typescript', 'typescriptreact', 'javascript', 'javascriptreact', 'go', 'java' }
local MARKERS = { '.git', 'failcast.toml', 'Cargo.toml', 'pyproject.toml', 'setup.py', 'package.json', 'go.mod', 'pom.xml', 'build.gradle' }

io.stdout:write(('neovim %s config checks\n'):format(tostring(vim.version().major .. '.' .. vim.version().minor .. '.' .. vim.version().patch)))

check('lsp/failcast.lua returns the 0.11 config table', function()
  local config = dofile(plugin .. '/lsp/failcast.lua')
  eq('table', type(config), 'type')
  eq('lsp', config.cmd[2], 'cmd[2]')
  eq(vim.env.FAILCAST_SERVER or 'failcast', config.cmd[1], 'cmd[1]')
  eq(FILETYPES, config.filetypes, 'filetypes')
  eq(MARKERS, config.root_markers, 'root_markers')
  eq('table', type(config.settings.failcast), 'settings.failcast')
  eq('function', type(config.commands['failcast.showTrace']), 'showTrace client command')
  eq('function', type(config.handlers['failcast/status']), 'failcast/status handler')
end)

check('settings.failcast encodes as a JSON object, not an array', function()
  local config = dofile(plugin .. '/lsp/failcast.lua')
  -- The LSP client of 0.7 to 0.11 encodes with vim.json.
  eq('{"failcast":{}}', vim.json.encode(config.settings), 'json')
end)

check('lua/failcast defaults agree with lsp/failcast.lua', function()
  local config = dofile(plugin .. '/lsp/failcast.lua')
  local defaults = require('failcast').defaults()
  eq(config.cmd, defaults.cmd, 'cmd')
  eq(config.filetypes, defaults.filetypes, 'filetypes')
  eq(config.root_markers, defaults.root_markers, 'root_markers')
  eq(vim.json.encode(config.settings), vim.json.encode(defaults.settings), 'settings')
end)

check('find_root finds the nearest marker, else nil', function()
  local failcast = require('failcast')
  local root = vim.fn.tempname()
  vim.fn.mkdir(root .. '/svc/pkg', 'p')
  vim.fn.writefile({}, root .. '/failcast.toml')
  vim.fn.writefile({}, root .. '/svc/go.mod')
  vim.fn.writefile({}, root .. '/svc/pkg/main.go')
  eq(root .. '/svc', failcast.find_root(root .. '/svc/pkg/main.go', MARKERS), 'nearest marker')
  eq(root, failcast.find_root(root .. '/svc/pkg/main.go', { 'failcast.toml' }), 'only failcast.toml')
  eq(nil, failcast.find_root(root .. '/svc/pkg/main.go', { 'no-such-marker-' .. tostring(os.time()) }), 'no marker')
  vim.fn.delete(root, 'rf')
end)

check('setup() hooks a FileType autocmd for every served filetype and adds the user commands', function()
  -- An executable that exists, so setup() has nothing to warn about; no buffer gets attached.
  require('failcast').setup({ cmd = { vim.v.progpath, 'lsp' } })
  local patterns = {}
  for _, autocmd in ipairs(vim.api.nvim_get_autocmds({ group = 'failcast', event = 'FileType' })) do
    patterns[autocmd.pattern] = true
  end
  for _, filetype in ipairs(FILETYPES) do
    if not patterns[filetype] then
      error('no FileType autocmd for ' .. filetype .. ' in ' .. vim.inspect(patterns))
    end
  end
  local commands = vim.api.nvim_get_commands({})
  for _, name in ipairs({ 'FailcastPredict', 'FailcastShowTrace', 'FailcastRestartEngine', 'FailcastStatus' }) do
    if not commands[name] then
      error('missing :' .. name)
    end
  end
end)

check('status() renders failcast/status for a statusline', function()
  local failcast = require('failcast')
  eq('', failcast.status(), 'before any status')
end)

-- Last: it changes the runtimepath and reloads the module.
check('the lazy.nvim spec in README.md works from the repository root', function()
  local readme = table.concat(vim.fn.readfile(plugin .. '/README.md'), '\n')
  local block = readme:match('```lua\n(%-%- lazy%.nvim\n.-)\n```')
  assert(block, 'README.md has no ```lua block that starts with "-- lazy.nvim"')
  local spec = assert((loadstring or load)('return ' .. block))()
  eq('failcast/failcast', spec[1], 'repository')
  eq('function', type(spec.config), 'config')

  -- As lazy.nvim loads it: the repository root on the runtimepath, not editors/neovim.
  local repo = vim.fn.fnamemodify(plugin, ':h:h')
  vim.opt.rtp:remove(plugin)
  vim.opt.rtp:prepend(repo)
  for name in pairs(package.loaded) do
    if name == 'failcast' or name:match('^failcast%.') then
      package.loaded[name] = nil
    end
  end
  eq({}, vim.api.nvim_get_runtime_file('lua/failcast/init.lua', true), 'failcast on the runtimepath before config()')
  vim.api.nvim_create_augroup('failcast', { clear = true })

  local saved = vim.env.FAILCAST_SERVER
  vim.env.FAILCAST_SERVER = vim.v.progpath -- an executable, so setup() has nothing to warn about
  local ok, err = pcall(spec.config, { name = 'failcast', dir = repo }, {})
  vim.env.FAILCAST_SERVER = saved
  assert(ok, err)

  eq({ plugin .. '/lua/failcast/init.lua' }, vim.api.nvim_get_runtime_file('lua/failcast/init.lua', true), 'module')
  eq({ plugin .. '/lsp/failcast.lua' }, vim.api.nvim_get_runtime_file('lsp/failcast.lua', true), 'lsp/failcast.lua')
  eq(#FILETYPES, #vim.api.nvim_get_autocmds({ group = 'failcast', event = 'FileType' }), 'FileType autocmds')
end)

io.stdout:write(('%d passed, %d failed\n'):format(results.passed, results.failed))
if results.failed > 0 then
  vim.cmd('cquit 1')
else
  vim.cmd('qa!')
end
