"""The HTTP API: routes, request/response schemas, dependencies, auth, limits, the web page."""
