"""Infrastructure shared by every manager: events, state, manager registry."""
