"""The cockpit's web server: `streamlit run serve.py` (what `make run` does).

Streamlit finds the ``app`` below and serves it: the pages (app.py and pages/), with the sign-in
routes in front (/auth/login, /auth/logout, /auth/display/…) and the session check around
everything else (cockpit/web/guard.py). Running `streamlit run app.py` instead starts the pages
without the sign-in routes: every page then says that nobody is signed in.
"""

from contextlib import asynccontextmanager

from starlette.middleware import Middleware
from streamlit.starlette import App

from cockpit.ui.server_hooks import show_error_with_id, stored_media_file
from cockpit.web.backup_schedule import BackupSchedule
from cockpit.web.guard import SessionGuard
from cockpit.web.inbox_watcher import InboxWatcher
from cockpit.web.routes import auth_routes
from cockpit.web.startup import prepare_database


@asynccontextmanager
async def lifespan(_app):
    prepare_database()  # claim the file; the sample database on first run; upgraded to the current schema
    chores = [InboxWatcher(), BackupSchedule()]  # the drop folder's monthly files; the daily backup
    for chore in chores:
        chore.start()
    yield
    for chore in chores:
        chore.stop()


app = App(
    "app.py",
    routes=auth_routes(),
    middleware=[Middleware(SessionGuard, media_file=stored_media_file)],
    lifespan=lifespan,
    on_script_error=show_error_with_id,
)
