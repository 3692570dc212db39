-- Drives dist/server.js through Neovim's built-in LSP client, headless. Run by neovim.test.ts as
--   nvim --headless --clean -u test/neovim/drive.lua
-- with POLICYLENS_SERVER, POLICYLENS_WS and POLICYLENS_OUT in the environment. Every step records
-- what Neovim saw into a table written as JSON to POLICYLENS_OUT; the test asserts on it.
local server = os.getenv('POLICYLENS_SERVER')
local ws = os.getenv('POLICYLENS_WS')
local out_path = os.getenv('POLICYLENS_OUT')
local result = { steps = {} }

local function finish()
  local f = io.open(out_path, 'w')
  f:write(vim.fn.json_encode(result))
  f:close()
  vim.cmd('qall!')
end

local function step(name, fn)
  local ok, err = pcall(fn)
  if not ok then
    result.steps[name] = { error = tostring(err) }
  end
end

local function codes(bufnr)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(out, d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code) or '?')
  end
  table.sort(out)
  return out
end

-- The client exactly as a user's config starts it (docs/editors.md shows the same call).
local client_id = vim.lsp.start_client({
  name = 'policylens',
  cmd = { 'node', server, '--stdio' },
  root_dir = ws,
  init_options = { codeLens = { enabled = true } },
  -- The server says when it watches the workspace itself (Neovim 0.7 cannot be asked to watch):
  -- the on-disk step below waits for it, so its write cannot come before the watch.
  handlers = {
    ['window/logMessage'] = function(_, res)
      if res and res.message and res.message:find('the server watches', 1, true) then
        result.watching = true
      end
    end,
  },
})
result.client_id = client_id

local function open(path)
  vim.cmd('edit ' .. vim.fn.fnameescape(path))
  local bufnr = vim.api.nvim_get_current_buf()
  vim.lsp.buf_attach_client(bufnr, client_id)
  return bufnr
end

local function wait_codes(bufnr, accept)
  vim.wait(15000, function() return accept(codes(bufnr)) end, 50)
  return codes(bufnr)
end

local guard = ws .. '/policies/guard.yaml'
local review = ws .. '/policies/review.yaml'

step('diagnostics after open', function()
  local bufnr = open(guard)
  result.steps['diagnostics after open'] = wait_codes(bufnr, function(c) return #c > 0 end)
end)

step('diagnostics after an edit', function()
  local bufnr = vim.fn.bufnr(guard)
  -- Line 3 is `enforcementMode: allow`; typing a valid value clears its finding.
  vim.api.nvim_buf_set_lines(bufnr, 2, 3, false, { 'enforcementMode: block' })
  result.steps['diagnostics after an edit'] = wait_codes(bufnr, function(c)
    for _, code in ipairs(c) do
      if code == 'schema/enum' then return false end
    end
    return true
  end)
end)

step('a code action applied', function()
  local bufnr = vim.fn.bufnr(guard)
  -- Line 2 is `polcyType: pii_access` (misspelt key) until the quick-fix renames it.
  local diagnostics = {}
  for _, d in ipairs(vim.lsp.diagnostic.get_line_diagnostics(bufnr, 1)) do table.insert(diagnostics, d) end
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    range = { start = { line = 1, character = 0 }, ['end'] = { line = 1, character = 0 } },
    context = { diagnostics = diagnostics },
  }
  local answers = vim.lsp.buf_request_sync(bufnr, 'textDocument/codeAction', params, 10000)
  local titles = {}
  for _, a in pairs(answers or {}) do
    for _, action in ipairs(a.result or {}) do
      table.insert(titles, action.title)
      if action.isPreferred and action.edit and not result.applied then
        vim.lsp.util.apply_workspace_edit(action.edit, 'utf-16')
        result.applied = action.title
      end
    end
  end
  result.steps['a code action applied'] = {
    titles = titles,
    line = vim.api.nvim_buf_get_lines(bufnr, 1, 2, false)[1],
  }
end)

step('completion at a policyType value', function()
  local bufnr = vim.fn.bufnr(guard)
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    -- After the quick-fix, line 2 is `policyType: pii_access`: the cursor on its value.
    position = { line = 1, character = 12 },
  }
  local answers = vim.lsp.buf_request_sync(bufnr, 'textDocument/completion', params, 10000)
  local items = {}
  for _, a in pairs(answers or {}) do
    local list = a.result and (a.result.items or a.result) or {}
    for _, item in ipairs(list) do
      table.insert(items, { label = item.label, format = item.insertTextFormat or 1 })
    end
  end
  result.steps['completion at a policyType value'] = items
end)

step('rename across files', function()
  local bufnr = open(review)
  wait_codes(bufnr, function() return true end)
  -- review.yaml line 6 is `prerequisites: [pii-guard]`; rename the name there.
  local line = vim.api.nvim_buf_get_lines(bufnr, 5, 6, false)[1]
  local col = line:find('pii%-guard') - 1
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    position = { line = 5, character = col + 1 },
    newName = 'pii-shield',
  }
  local answers = vim.lsp.buf_request_sync(bufnr, 'textDocument/rename', params, 10000)
  for _, a in pairs(answers or {}) do
    if a.result then vim.lsp.util.apply_workspace_edit(a.result, 'utf-16') end
  end
  result.steps['rename across files'] = {
    review = vim.api.nvim_buf_get_lines(bufnr, 5, 6, false)[1],
    guard = vim.api.nvim_buf_get_lines(vim.fn.bufnr(guard), 0, 1, false)[1],
  }
end)

step('a file changed on disk', function()
  -- b.yaml is not open: only the server's own watching (or the client's) can see this change.
  local bufnr = open(ws .. '/policies/a.yaml')
  result.steps['cycle before'] = wait_codes(bufnr, function(c)
    for _, code in ipairs(c) do if code == 'chain/cycle' then return true end end
    return false
  end)
  vim.wait(15000, function() return result.watching == true end, 50)
  local f = io.open(ws .. '/policies/b.yaml', 'w')
  f:write('name: policy-b\npolicyType: tool_call\nenforcementMode: block\nruleDefinition:\n  tools: [a]\n')
  f:close()
  result.steps['a file changed on disk'] = wait_codes(bufnr, function(c)
    for _, code in ipairs(c) do if code == 'chain/cycle' then return false end end
    return true
  end)
end)

finish()
