-- The teacher's real save form, posted by every wrk connection with a fresh description each time (an
-- identical entry within ten minutes is taken as a retry and not saved again). RUN names this wrk run in
-- every description: Lua's random numbers are the same in every wrk process, so without it each run
-- re-sent the descriptions of the run before and measured the retry check, not saves. PAIRS lists class:subject
-- pairs the signed-in teacher teaches and DAYS the set dates to spread the entries over (bench/run.py,
-- save_workload); RAW=1 posts the same body to the raw-insert baseline instead (RAWPATH: the save's
-- floor, bench/raw_apps.py).
local csrf = os.getenv("CSRF") or ""
local run = os.getenv("RUN") or "0"
local raw = os.getenv("RAW") == "1"
local pairs_ = {}
for class_id, subject_id in string.gmatch(os.getenv("PAIRS") or "", "(%d+):(%d+)") do
  pairs_[#pairs_ + 1] = {class_id, subject_id}
end
local days = {}
for day in string.gmatch(os.getenv("DAYS") or "", "[%d-]+") do days[#days + 1] = day end
local counter = 0

wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"

function setup(thread)
  thread:set("prefix", tostring(math.random(1, 1e9)))
end

request = function()
  counter = counter + 1
  -- Each connection walks the pairs from its own random start, and the days at a slower pace, so
  -- concurrent saves land on different class-evenings as a school's teachers' do.
  local n = counter + tonumber(prefix)
  local pair = pairs_[(n % #pairs_) + 1]
  local day = days[(math.floor(n / #pairs_) % #days) + 1]
  local body = "csrf_token=" .. csrf .. "&subject_id=" .. pair[2] ..
    "&description=bench+" .. run .. "+" .. prefix .. "+" .. counter .. "&kind=written&location=class&required=1" ..
    "&minutes=10&set_date=" .. day
  local path = raw and (os.getenv("RAWPATH") or "/insert") or ("/teacher/class/" .. pair[1])
  -- nil headers: wrk.format then sends wrk.headers, which hold -H's Cookie and the Host.
  return wrk.format("POST", path, nil, body)
end
