"""Command screen (指挥大屏): the township at a glance on a wall display; ?kiosk=1 hides menus."""

from cockpit.ui import command_view, shell

ctx = shell.page("command")
command_view.screen(ctx)
