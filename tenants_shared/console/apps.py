from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsoleConfig(AppConfig):
    name = "tenants_shared.console"
    label = "console"
    verbose_name = _("Operator console")

    def ready(self) -> None:
        from kernel import handoff as handoff_port

        from . import handoff

        # account hosts redeem the console's handoffs through kernel.handoff (they never import us)
        handoff_port.install(redeem=handoff.redeem, running_until=handoff.running_until)
