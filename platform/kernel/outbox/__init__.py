"""The task outbox: work queued after a commit survives a broker that is down (docs/operations.md)."""
