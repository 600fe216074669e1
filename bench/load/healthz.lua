-- The server's own floor: /healthz (one database round trip), same connections, same run.
local common = dofile(os.getenv("EROPAF_LOAD_DIR") .. "/common.lua")
done = common.done
