-- wrk: POST /api/jobs with a noop job, authenticated with $TOKEN. Non-201 answers are counted.
wrk.method = "POST"
wrk.body = '{"type":"noop","payload":{}}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")

local failures = 0
function response(status, headers, body)
  if status ~= 201 then failures = failures + 1 end
end

function done(summary, latency, requests)
  io.write(string.format("non-201 answers: %d\n", summary.errors.status))
end
