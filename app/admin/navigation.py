"""The admin's navigation: (endpoint, label) in the order shown. A domain with admin pages adds its entry here."""
ADMIN_NAV = [
    ("admin.home", "Admin"),
    ("admin.dashboard", "Dashboard"),
    ("orders.admin_list", "Orders"),
    ("admin.mail_outbox", "Mail"),
]
