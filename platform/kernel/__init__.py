"""The kernel: what every app may import (domain errors and their API mapping, DRF helpers,
uploads, forwarded-header handling, task helpers and the task outbox). It imports no app and no
wiring; see platform/README.md."""
