"""Shared test helpers, imported by tests of every area (`from tests.support.worlds import make_mall`).

- `worlds`: accounts and the people, companies and places in them (`provision`, `make_mall`,
  `make_pair`), and a few actions through the product that many areas need (`file_leak`, pass
  requests and their approvals);
- `context`: working inside an account (`in_account`, django-tenants' `tenant_context`);
- `clients`: a signed-in test client, the live server's HTTP and websocket client, TOTP codes;
- `processes`: live processes (daphne, Celery, another deployment) and `wait_for`;
- `browser`: the Playwright helpers of tests/e2e;
- `fixtures`: pytest fixtures that several areas share (a conftest imports and re-exports them for
  its folder: `from tests.support.fixtures import mall  # noqa: F401`).

A conftest is for its own folder: no test module imports another area's conftest.
"""
