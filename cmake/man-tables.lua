-- pandoc filter for the man pages: a table becomes a list (first cell as the tag, the others below it,
-- each named by its column header when there are more than two), which man renders at any width.
local function plain(blocks)
  return pandoc.utils.blocks_to_inlines(blocks)
end

function Table(tbl)
  local headers = {}
  if tbl.head and tbl.head.rows and #tbl.head.rows > 0 then
    for i, cell in ipairs(tbl.head.rows[1].cells) do headers[i] = plain(cell.contents) end
  end
  local items = {}
  for _, body in ipairs(tbl.bodies) do
    for _, row in ipairs(body.body) do
      local cells = row.cells
      local desc = {}
      for i = 2, #cells do
        local inlines = plain(cells[i].contents)
        if #cells > 2 and headers[i] and #headers[i] > 0 then
          local line = { pandoc.Emph(headers[i]), pandoc.Str(":"), pandoc.Space() }
          for _, x in ipairs(inlines) do table.insert(line, x) end
          inlines = line
        end
        table.insert(desc, pandoc.Para(inlines))
      end
      table.insert(items, { plain(cells[1].contents), { desc } })
    end
  end
  return pandoc.DefinitionList(items)
end
