-- The teacher's real save form, posted by every wrk connection with a fresh description each time (an
-- identical entry within ten minutes is taken as a retry and not saved again). RAW=1 posts the same body
-- to the raw-insert baseline instead.
local csrf = os.getenv("CSRF") or ""
local day = os.getenv("DAY")
local raw = os.getenv("RAW") == "1"
local classes = {}
for id in string.gmatch(os.getenv("CLASSES") or "", "%d+") do classes[#classes + 1] = id end
local counter = 0

wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"

function setup(thread)
  thread:set("prefix", tostring(math.random(1, 1e9)))
end

request = function()
  counter = counter + 1
  local class_id = classes[(counter % #classes) + 1]
  local body = "csrf_token=" .. csrf .. "&subject_id=" .. ((counter % 2) + 1) ..
    "&description=bench+" .. prefix .. "+" .. counter .. "&kind=written&location=class&required=1" ..
    "&minutes=10&set_date=" .. day
  local path = raw and "/insert" or ("/teacher/class/" .. class_id)
  -- nil headers: wrk.format then sends wrk.headers, which hold -H's Cookie and the Host.
  return wrk.format("POST", path, nil, body)
end
