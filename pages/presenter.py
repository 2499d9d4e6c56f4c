"""Joint meeting (联席会议): slides from live data, speaker notes, decision log, briefing PDF."""

from cockpit.ui import decision_log_view, shell
from cockpit.ui import presenter_view as presenter

ctx = shell.page("presenter")
filters, title = presenter.controls(ctx)
deck = presenter.load_deck(ctx, filters)
index = presenter.navigation(ctx, deck)
slide = deck.slides[index]
presenter.slide_view(ctx, slide)
presenter.speaker_notes(ctx, slide)
decision_log_view.decision_log(ctx, deck, slide, filters, title)
