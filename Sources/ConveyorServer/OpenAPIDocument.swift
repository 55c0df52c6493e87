import Foundation

/// The OpenAPI 3.1 document of this API, served at `/openapi.json`. Kept by hand next to the
/// routes; `OpenAPITests` validates it and `make fuzz` checks the server against it.
enum OpenAPIDocument {
    /// The methods the document lists for a path (`/api/jobs/01…` matches `/api/jobs/{id}`);
    /// `nil` for a path it does not know. Unlisted methods on a known path get 405.
    static func methods(for path: String) -> [String]? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        return operations.first { pattern, _ in
            pattern.count == segments.count && zip(pattern, segments).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
        }?.methods
    }

    private static let operations: [(pattern: [String], methods: [String])] = {
        guard let document = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
            let paths = document["paths"] as? [String: [String: Any]]
        else { return [] }
        let verbs: Set<String> = ["get", "put", "post", "delete", "patch", "head", "options", "trace"]
        return paths.map { path, item in
            (path.split(separator: "/").map(String.init), item.keys.filter(verbs.contains).map { $0.uppercased() }.sorted())
        }
    }()

    static let json = #"""
{
  "openapi": "3.1.0",
  "info": {
    "title": "Conveyor",
    "version": "1.0.0",
    "description": "Background jobs over HTTP: enqueue, inspect, cancel and retry jobs; queue, memory and health status; Prometheus metrics. Every /api route needs `Authorization: Bearer <JWT HS256>` with claims `sub` (owner) and `role` (`admin` or `user`). Errors are `{\"error\": {\"code\", \"message\"}}`."
  },
  "servers": [{"url": "/"}],
  "security": [{"bearer": []}],
  "paths": {
    "/api/jobs": {
      "post": {
        "operationId": "enqueueJob",
        "summary": "Enqueue a job",
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/JobRequest"}}}},
        "responses": {
          "201": {"description": "The new job", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/EnqueuedJob"}}},
            "links": {
              "GetJob": {"operationId": "getJob", "parameters": {"id": "$response.body#/id"}},
              "CancelJob": {"operationId": "cancelJob", "parameters": {"id": "$response.body#/id"}},
              "RetryJob": {"operationId": "retryJob", "parameters": {"id": "$response.body#/id"}}
            }},
          "200": {"description": "An unfinished job with the same dedupKey (deduplicated: true)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/EnqueuedJob"}}}},
          "400": {"$ref": "#/components/responses/BadRequest"},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "403": {"$ref": "#/components/responses/Forbidden"},
          "413": {"$ref": "#/components/responses/TooLarge"},
          "429": {"$ref": "#/components/responses/RateLimited"},
          "503": {"$ref": "#/components/responses/Unavailable"}
        }
      },
      "get": {
        "operationId": "listJobs",
        "summary": "List jobs, newest first (users see their own)",
        "parameters": [
          {"name": "status", "in": "query", "schema": {"$ref": "#/components/schemas/JobStatus"}},
          {"name": "type", "in": "query", "schema": {"type": "string"}},
          {"name": "queue", "in": "query", "schema": {"type": "string"}},
          {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 50}},
          {"name": "cursor", "in": "query", "description": "nextCursor of the previous page", "schema": {"type": "string", "format": "uuid"}}
        ],
        "responses": {
          "200": {"description": "One page", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/JobList"}}}},
          "400": {"$ref": "#/components/responses/BadRequest"},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "429": {"$ref": "#/components/responses/RateLimited"}
        }
      }
    },
    "/api/jobs/batch": {
      "post": {
        "operationId": "enqueueBatch",
        "summary": "Enqueue several jobs, all or nothing",
        "requestBody": {"required": true, "content": {"application/json": {"schema": {
          "type": "object", "required": ["jobs"], "additionalProperties": false,
          "properties": {"jobs": {"type": "array", "minItems": 1, "maxItems": 1000, "items": {"$ref": "#/components/schemas/JobRequest"}}}}}}},
        "responses": {
          "201": {"description": "The jobs, in request order", "content": {"application/json": {"schema": {
            "type": "object", "required": ["jobs"], "properties": {"jobs": {"type": "array", "items": {"$ref": "#/components/schemas/EnqueuedJob"}}}}}}},
          "400": {"$ref": "#/components/responses/BadRequest"},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "403": {"$ref": "#/components/responses/Forbidden"},
          "413": {"$ref": "#/components/responses/TooLarge"},
          "429": {"$ref": "#/components/responses/RateLimited"},
          "503": {"$ref": "#/components/responses/Unavailable"}
        }
      }
    },
    "/api/jobs/{id}": {
      "parameters": [{"$ref": "#/components/parameters/JobID"}],
      "get": {
        "operationId": "getJob",
        "summary": "One job",
        "responses": {
          "200": {"description": "The job", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Job"}}}},
          "400": {"$ref": "#/components/responses/BadRequest"},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "403": {"$ref": "#/components/responses/Forbidden"},
          "404": {"$ref": "#/components/responses/NotFound"},
          "429": {"$ref": "#/components/responses/RateLimited"}
        }
      }
    },
    "/api/jobs/{id}/cancel": {
      "parameters": [{"$ref": "#/components/parameters/JobID"}],
      "post": {
        "operationId": "cancelJob",
        "summary": "Cancel a scheduled, waiting, queued or running job",
        "responses": {
          "200": {"description": "The cancelled job", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Job"}}}},
          "400": {"$ref": "#/components/responses/BadRequest"},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "403": {"$ref": "#/components/responses/Forbidden"},
          "404": {"$ref": "#/components/responses/NotFound"},
          "409": {"$ref": "#/components/responses/Conflict"},
          "429": {"$ref": "#/components/responses/RateLimited"}
        }
      }
    },
    "/api/jobs/{id}/retry": {
      "parameters": [{"$ref": "#/components/parameters/JobID"}],
      "post": {
        "operationId": "retryJob",
        "summary": "Put a failed or cancelled job back in its queue, attempts reset",
        "responses": {
          "200": {"description": "The requeued job", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Job"}}}},
          "400": {"$ref": "#/components/responses/BadRequest"},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "403": {"$ref": "#/components/responses/Forbidden"},
          "404": {"$ref": "#/components/responses/NotFound"},
          "409": {"$ref": "#/components/responses/Conflict"},
          "429": {"$ref": "#/components/responses/RateLimited"}
        }
      }
    },
    "/api/queues/stats": {
      "get": {
        "operationId": "queueStats",
        "summary": "Counts by state, ages, throughput, workers and memory",
        "responses": {
          "200": {"description": "Stats", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/QueueStats"}}}},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "429": {"$ref": "#/components/responses/RateLimited"},
          "503": {"$ref": "#/components/responses/Unavailable"}
        }
      }
    },
    "/api/queues/{queue}/pause": {
      "parameters": [{"$ref": "#/components/parameters/Queue"}],
      "post": {
        "operationId": "pauseQueue",
        "summary": "Stop claiming from a queue (admin)",
        "responses": {
          "200": {"description": "Paused", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/QueueState"}}}},
          "400": {"$ref": "#/components/responses/BadRequest"},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "403": {"$ref": "#/components/responses/Forbidden"},
          "429": {"$ref": "#/components/responses/RateLimited"}
        }
      }
    },
    "/api/queues/{queue}/resume": {
      "parameters": [{"$ref": "#/components/parameters/Queue"}],
      "post": {
        "operationId": "resumeQueue",
        "summary": "Start claiming from a paused queue again (admin)",
        "responses": {
          "200": {"description": "Resumed", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/QueueState"}}}},
          "400": {"$ref": "#/components/responses/BadRequest"},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "403": {"$ref": "#/components/responses/Forbidden"},
          "429": {"$ref": "#/components/responses/RateLimited"}
        }
      }
    },
    "/api/dead-letter": {
      "get": {
        "operationId": "listDeadLetter",
        "summary": "Failed jobs, newest first (admin)",
        "parameters": [
          {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 50}},
          {"name": "cursor", "in": "query", "schema": {"type": "string", "format": "uuid"}}
        ],
        "responses": {
          "200": {"description": "One page", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/JobList"}}}},
          "400": {"$ref": "#/components/responses/BadRequest"},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "403": {"$ref": "#/components/responses/Forbidden"},
          "429": {"$ref": "#/components/responses/RateLimited"}
        }
      }
    },
    "/api/dead-letter/{id}/retry": {
      "parameters": [{"$ref": "#/components/parameters/JobID"}],
      "post": {
        "operationId": "retryDeadLetter",
        "summary": "Put a failed job back in its queue (admin)",
        "responses": {
          "200": {"description": "The requeued job", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Job"}}}},
          "400": {"$ref": "#/components/responses/BadRequest"},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "403": {"$ref": "#/components/responses/Forbidden"},
          "404": {"$ref": "#/components/responses/NotFound"},
          "409": {"$ref": "#/components/responses/Conflict"},
          "429": {"$ref": "#/components/responses/RateLimited"}
        }
      }
    },
    "/api/dead-letter/cleanup": {
      "post": {
        "operationId": "cleanupDeadLetter",
        "summary": "Delete failed jobs that finished longer ago than olderThan (admin)",
        "requestBody": {"required": true, "content": {"application/json": {"schema": {
          "type": "object", "required": ["olderThan"], "properties": {"olderThan": {"$ref": "#/components/schemas/Duration"}}}}}},
        "responses": {
          "200": {"description": "How many were deleted", "content": {"application/json": {"schema": {
            "type": "object", "required": ["deleted"], "properties": {"deleted": {"type": "integer", "minimum": 0}}}}}},
          "400": {"$ref": "#/components/responses/BadRequest"},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "403": {"$ref": "#/components/responses/Forbidden"},
          "413": {"$ref": "#/components/responses/TooLarge"},
          "429": {"$ref": "#/components/responses/RateLimited"}
        }
      }
    },
    "/api/memory": {
      "get": {
        "operationId": "memory",
        "summary": "This process's memory budget",
        "responses": {
          "200": {"description": "Budget stats", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/MemoryStats"}}}},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "429": {"$ref": "#/components/responses/RateLimited"}
        }
      }
    },
    "/api/handlers": {
      "get": {
        "operationId": "handlers",
        "summary": "Loaded handlers and pipelines with their stages",
        "responses": {
          "200": {"description": "Handlers", "content": {"application/json": {"schema": {
            "type": "object", "required": ["handlers"], "properties": {"handlers": {"type": "array", "items": {"$ref": "#/components/schemas/Handler"}}}}}}},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "429": {"$ref": "#/components/responses/RateLimited"}
        }
      }
    },
    "/health": {
      "get": {
        "operationId": "health", "summary": "Overall health with per-check detail", "security": [],
        "responses": {
          "200": {"description": "healthy or degraded", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Health"}}}},
          "503": {"description": "unhealthy", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Health"}}}}
        }
      }
    },
    "/health/live": {
      "get": {
        "operationId": "live", "summary": "The process answers", "security": [],
        "responses": {"200": {"description": "alive", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Health"}}}}}
      }
    },
    "/health/ready": {
      "get": {
        "operationId": "ready", "summary": "Store reachable and not draining", "security": [],
        "responses": {
          "200": {"description": "ready", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Health"}}}},
          "503": {"description": "not ready", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Health"}}}}
        }
      }
    },
    "/metrics": {
      "get": {
        "operationId": "metrics", "summary": "Prometheus text exposition", "security": [],
        "responses": {
          "200": {"description": "Metrics", "content": {"text/plain": {"schema": {"type": "string"}}}},
          "503": {"$ref": "#/components/responses/Unavailable"}
        }
      }
    },
    "/ws": {
      "get": {
        "operationId": "webSocket",
        "summary": "WebSocket: subscribe to job progress, queue and memory stats",
        "description": "Upgrade to WebSocket. Authenticate with `?token=` or a first message `{\"type\":\"auth\",\"token\":…}`; the session closes with 1008 (after a `token_expired` error) when the token expires, unless a fresh `auth` for the same user came first. Client messages: `{\"type\":\"subscribe\"|\"unsubscribe\",\"topic\":\"job\"|\"queue\"|\"memory\",\"jobId\"?}`. Server messages: `job:progress`, `job:finished`, `queue:stats`, `memory:stats`, `subscribed`, `unsubscribed`, `authenticated`, `error`.",
        "security": [],
        "parameters": [{"name": "token", "in": "query", "schema": {"type": "string"}}],
        "responses": {
          "101": {"description": "Switching protocols"},
          "400": {"description": "A malformed request", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
          "426": {"description": "Not a WebSocket upgrade request (no Upgrade: websocket)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        }
      }
    },
    "/": {
      "get": {
        "operationId": "dashboard", "summary": "The dashboard page (live over /ws)", "security": [],
        "responses": {"200": {"description": "HTML", "content": {"text/html": {"schema": {"type": "string"}}}}}
      }
    },
    "/openapi.json": {
      "get": {
        "operationId": "openAPI", "summary": "This document", "security": [],
        "responses": {"200": {"description": "OpenAPI 3.1", "content": {"application/json": {"schema": {"type": "object"}}}}}
      }
    }
  },
  "components": {
    "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
    "parameters": {
      "JobID": {"name": "id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}},
      "Queue": {"name": "queue", "in": "path", "required": true, "schema": {"type": "string", "pattern": "^[A-Za-z0-9._-]{1,64}$"}}
    },
    "responses": {
      "BadRequest": {"description": "Invalid input; the message names the field", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
      "Unauthorized": {"description": "No or bad token", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
      "Forbidden": {"description": "Not yours, or admins only", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
      "NotFound": {"description": "No such job", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
      "Conflict": {"description": "Not possible in the job's state", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
      "TooLarge": {"description": "Body over the cap", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
      "RateLimited": {"description": "Too many requests", "headers": {"Retry-After": {"schema": {"type": "string"}}}, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
      "Unavailable": {"description": "Queue full, shutting down, or store unreachable", "headers": {"Retry-After": {"schema": {"type": "string"}}}, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    },
    "schemas": {
      "Error": {
        "type": "object", "required": ["error"],
        "properties": {"error": {"type": "object", "required": ["code", "message"], "properties": {
          "code": {"type": "string", "pattern": "^[a-z_]+$"}, "message": {"type": "string"}}}}
      },
      "JobStatus": {"type": "string", "enum": ["scheduled", "waiting", "queued", "running", "completed", "failed", "cancelled"]},
      "Priority": {"type": "string", "enum": ["high", "normal", "low"]},
      "Duration": {
        "description": "\"250ms\", \"30s\", \"10m\", \"2h\", \"7d\", or seconds as a number",
        "oneOf": [{"type": "string", "pattern": "^ *[0-9]+(\\.[0-9]+)? *(ms|s|m|h|d) *$"}, {"type": "number", "minimum": 0}]
      },
      "JobRequest": {
        "type": "object", "required": ["type"], "additionalProperties": false,
        "properties": {
          "type": {"type": "string", "minLength": 1, "description": "A registered job type (GET /api/handlers); any other is 400 with the known ones"},
          "payload": {"description": "The handler's input"},
          "queue": {"type": "string", "pattern": "^[A-Za-z0-9._-]{1,64}$"},
          "priority": {"$ref": "#/components/schemas/Priority"},
          "delay": {"$ref": "#/components/schemas/Duration"},
          "runAt": {"type": "string", "format": "date-time"},
          "maxAttempts": {"type": "integer", "minimum": 1, "maximum": 100},
          "timeout": {"$ref": "#/components/schemas/Duration"},
          "dedupKey": {"type": "string", "minLength": 1, "maxLength": 255}
        }
      },
      "Job": {
        "type": "object",
        "required": ["id", "type", "queue", "status", "priority", "payload", "result", "error", "attempts", "maxAttempts", "progress", "owner", "dedupKey", "createdAt", "scheduledAt", "startedAt", "finishedAt", "sequence"],
        "properties": {
          "id": {"type": "string", "format": "uuid", "description": "UUIDv7"},
          "type": {"type": "string"},
          "queue": {"type": "string"},
          "status": {"$ref": "#/components/schemas/JobStatus"},
          "priority": {"$ref": "#/components/schemas/Priority"},
          "payload": {},
          "result": {},
          "error": {"oneOf": [{"type": "null"}, {"type": "object", "required": ["code", "message", "permanent"], "properties": {
            "code": {"type": "string", "description": "snake_case: timeout, cancelled, lease_lost, memory_too_large, or the handler's own"},
            "message": {"type": "string"}, "permanent": {"type": "boolean"}}}]},
          "attempts": {"type": "integer", "minimum": 0},
          "maxAttempts": {"type": "integer", "minimum": 1},
          "progress": {"type": "object", "required": ["percent"], "properties": {
            "percent": {"type": "number", "minimum": 0, "maximum": 100}, "stage": {"type": ["string", "null"]}, "message": {"type": ["string", "null"]}}},
          "owner": {"type": ["string", "null"]},
          "dedupKey": {"type": ["string", "null"]},
          "createdAt": {"type": "string", "format": "date-time"},
          "scheduledAt": {"type": "string", "format": "date-time"},
          "startedAt": {"type": ["string", "null"], "format": "date-time"},
          "finishedAt": {"type": ["string", "null"], "format": "date-time"},
          "sequence": {"type": "integer", "minimum": 1, "description": "How many times the job's state changed; its WebSocket events carry the same number"}
        }
      },
      "EnqueuedJob": {
        "allOf": [{"$ref": "#/components/schemas/Job"}, {"type": "object", "required": ["deduplicated"], "properties": {"deduplicated": {"type": "boolean"}}}]
      },
      "JobList": {
        "type": "object", "required": ["jobs", "nextCursor"],
        "properties": {"jobs": {"type": "array", "items": {"$ref": "#/components/schemas/Job"}}, "nextCursor": {"type": ["string", "null"]}}
      },
      "MemoryStats": {
        "type": "object",
        "required": ["current", "peak", "max", "perJobCap", "utilization", "warningThreshold", "activeReservations", "waiters", "formatted"],
        "properties": {
          "current": {"type": "integer"}, "peak": {"type": "integer"}, "max": {"type": "integer"}, "perJobCap": {"type": "integer"},
          "utilization": {"type": "number"}, "warningThreshold": {"type": "number"},
          "activeReservations": {"type": "integer"}, "waiters": {"type": "integer"},
          "formatted": {"type": "object", "required": ["current", "peak", "max", "perJobCap"], "properties": {
            "current": {"type": "string"}, "peak": {"type": "string"}, "max": {"type": "string"}, "perJobCap": {"type": "string"}}}
        }
      },
      "QueueStats": {
        "type": "object",
        "required": ["queued", "scheduled", "waiting", "running", "completed", "failed", "cancelled", "total", "oldestQueuedAge", "oldestRunningAge", "throughputPerMinute", "paused", "workers", "memory"],
        "properties": {
          "queued": {"type": "integer"}, "scheduled": {"type": "integer"}, "waiting": {"type": "integer"}, "running": {"type": "integer"},
          "completed": {"type": "integer"}, "failed": {"type": "integer"}, "cancelled": {"type": "integer"}, "total": {"type": "integer"},
          "oldestQueuedAge": {"type": ["number", "null"], "description": "seconds"},
          "oldestRunningAge": {"type": ["number", "null"], "description": "seconds"},
          "throughputPerMinute": {"type": "integer"},
          "paused": {"type": "array", "items": {"type": "string"}},
          "workers": {"type": "object", "required": ["active", "max"], "properties": {"active": {"type": "integer"}, "max": {"type": "integer"}}},
          "memory": {"$ref": "#/components/schemas/MemoryStats"}
        }
      },
      "QueueState": {
        "type": "object", "required": ["queue", "paused"], "properties": {"queue": {"type": "string"}, "paused": {"type": "boolean"}}
      },
      "Handler": {
        "type": "object", "required": ["name", "kind", "queue", "priority", "maxAttempts", "stages"],
        "properties": {
          "name": {"type": "string"}, "kind": {"type": "string"}, "plugin": {"type": ["string", "null"]}, "queue": {"type": "string"},
          "priority": {"$ref": "#/components/schemas/Priority"}, "maxAttempts": {"type": "integer"},
          "timeoutSeconds": {"type": ["number", "null"]},
          "stages": {"type": "array", "items": {"type": "object", "required": ["name", "weight"], "properties": {"name": {"type": "string"}, "weight": {"type": "number"}}}}
        }
      },
      "Health": {
        "type": "object", "required": ["status", "checks"],
        "properties": {
          "status": {"type": "string", "enum": ["healthy", "degraded", "unhealthy"]},
          "checks": {"type": "object", "additionalProperties": {"type": "object", "required": ["status", "detail"], "properties": {
            "status": {"type": "string", "enum": ["healthy", "degraded", "unhealthy"]}, "detail": {"type": "string"}}}}
        }
      }
    }
  }
}
"""#
}
