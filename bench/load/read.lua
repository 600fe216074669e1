-- The read half of the load mix (bench/load/run): 50 simulated workers' sessions, each request
-- from the next session in turn: "mijn dag" 40 %, a household page of the worker's team 40 %,
-- a search by surname in the team's area 20 % (a POST, as in the app: names never in URLs).
local common = dofile(os.getenv("EROPAF_LOAD_DIR") .. "/common.lua")
local sessions = common.sessions()
local n = 0

request = function()
  n = n + 1
  local s = sessions[(n % #sessions) + 1]
  local r = math.random(100)
  if r <= 40 then
    return wrk.format("GET", "/mijn-dag", { ["Cookie"] = s.cookie })
  elseif r <= 80 then
    return wrk.format("GET", "/huishoudens/" .. s.ids[math.random(#s.ids)], { ["Cookie"] = s.cookie })
  else
    local body = "postcode=&huisnummer=&straat=&achternaam=" .. s.names[math.random(#s.names)] .. "&csrf=" .. s.csrf
    return wrk.format("POST", "/huishoudens", { ["Cookie"] = s.cookie, ["Content-Type"] = "application/x-www-form-urlencoded" }, body)
  end
end

delay = common.think
done = common.done
