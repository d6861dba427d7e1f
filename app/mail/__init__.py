"""mail domain: the outbox and its delivery. The admins' page of failed messages is in app.admin."""
