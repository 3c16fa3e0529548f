"""What the outbox tells the rest of the project (it imports nothing of the domain; the domain listens)."""

from django.dispatch import Signal

# Sent once a notification is given up (dead, no attempts left), with `notification`: the domain it is about
# decides who must hear of it (cases.delivery tells the mediator of a failed delivery).
notification_gave_up = Signal()
