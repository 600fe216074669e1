-- The write half of the load mix (bench/load/run): workers logging a contact attempt on a
-- household of their team through the household page's form.
local common = dofile(os.getenv("EROPAF_LOAD_DIR") .. "/common.lua")
local sessions = common.sessions()
local n = 0

request = function()
  n = n + 1
  local s = sessions[(n % #sessions) + 1]
  local id = s.ids[math.random(#s.ids)]
  local body = "soort=huisbezoek&uitkomst=niet-thuis&dagdeel=middag&notitie=&csrf=" .. s.csrf
  return wrk.format("POST", "/huishoudens/" .. id .. "/contact", { ["Cookie"] = s.cookie, ["Content-Type"] = "application/x-www-form-urlencoded" }, body)
end

delay = common.think
done = common.done
