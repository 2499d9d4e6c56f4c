"""Access control: passwords, users, roles and village scope, lock-out, sessions, the audit log.

Pure Python over a DuckDB connection; no streamlit import (the UI side is cockpit/ui/auth_view.py).
"""

from cockpit.auth.audit_log import EVENTS, AuditFilter, audit, read_audit
from cockpit.auth.login import AuthResult, LockStatus, LoginPolicy, authenticate, is_synthetic, lock_status, \
    logout, session_expired
from cockpit.auth.passwords import DEFAULT_PARAMS, ScryptParams, hash_password, needs_rehash, verify_password
from cockpit.auth.roles import CAPABILITIES, PAGE_NAMES, ROLE_IDS, ROLES, Role, can, can_open, role, scoped, \
    village_scope
from cockpit.auth.users import User, UserError, add_user, disable_user, enable_user, get_user, list_users, \
    set_active, set_password, set_role

__all__ = ["EVENTS", "AuditFilter", "audit", "read_audit",
           "AuthResult", "LockStatus", "LoginPolicy", "authenticate", "is_synthetic", "lock_status", "logout",
           "session_expired",
           "DEFAULT_PARAMS", "ScryptParams", "hash_password", "needs_rehash", "verify_password",
           "CAPABILITIES", "PAGE_NAMES", "ROLE_IDS", "ROLES", "Role", "can", "can_open", "role", "scoped",
           "village_scope",
           "User", "UserError", "add_user", "disable_user", "enable_user", "get_user", "list_users",
           "set_active", "set_password", "set_role"]
