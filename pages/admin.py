"""Users and audit (用户与审计): accounts, the roles table and the audit log."""

from cockpit.ui import shell
from cockpit.ui.admin_view import admin_page

ctx = shell.page("admin")
admin_page(ctx)
