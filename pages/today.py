"""Today (今日待办): what a village secretary acts on today, first on a phone."""

from cockpit.ui import shell
from cockpit.ui.today_view import today_page

ctx = shell.page("today")
today_page(ctx)
