"""Joint meeting (联席会议): slides from live data, speaker notes, decision log, briefing PDF."""

from cockpit.ui import presenter_view as presenter
from cockpit.ui import shell

ctx = shell.page("presenter")
filters, title = presenter.controls(ctx)
deck = presenter.load_deck(ctx, filters)
index = presenter.navigation(ctx, deck)
slide = deck.slides[index]
presenter.slide_view(ctx, slide)
presenter.speaker_notes(ctx, slide)
presenter.decision_log(ctx, deck, slide, filters, title)
