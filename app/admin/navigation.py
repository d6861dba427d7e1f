"""The admin's navigation: (endpoint, label) in the order shown. A domain with admin pages adds its entry here."""
ADMIN_NAV = [
    ("admin.home", "Admin"),
    ("admin.dashboard", "Dashboard"),
    ("admin.products", "Products"),
    ("admin.categories", "Categories"),
    ("orders.admin_list", "Orders"),
    ("admin.users", "Users"),
    ("admin.import_export", "Import / export"),
    ("admin.mail_outbox", "Mail"),
    ("notifications.promotions", "Promotions"),
]
