"""The project package as a Django app: it installs the API's input rules, fail-open throttles and
error recording once."""

from django.apps import AppConfig


class AtriumConfig(AppConfig):
    name = "atrium"
    verbose_name = "Atrium"

    def ready(self) -> None:
        from django.core.signals import got_request_exception
        from kernel import input as api_input
        from kernel import (
            proxies,  # noqa: F401  (registers its deploy check: forwarded headers need proxies)
            throttling,
        )

        from atrium.middleware import record_exception

        api_input.install()
        throttling.install()
        got_request_exception.connect(record_exception, dispatch_uid="atrium.record_exception")
