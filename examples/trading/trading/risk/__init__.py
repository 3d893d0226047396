"""Risk components: circuit breaker, correlation limits, Kelly sizing."""
