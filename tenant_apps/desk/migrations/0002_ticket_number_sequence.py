from django.db import migrations


class Migration(migrations.Migration):
    """Ticket numbers come from a sequence in each account's schema: no lock, no gaps from contention."""

    dependencies = [("desk", "0001_initial")]

    operations = [
        migrations.RunSQL(
            "CREATE SEQUENCE IF NOT EXISTS desk_ticket_number_seq START 1",
            reverse_sql="DROP SEQUENCE IF EXISTS desk_ticket_number_seq",
        ),
    ]
