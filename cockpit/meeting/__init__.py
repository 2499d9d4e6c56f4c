"""The joint meeting of departments and villages (联席会议): the deck's model and its data (deck),
its slides (slides, case_slides, scenario_slides) and what they say (context), the charts drawn on
them (charts) and as images (chart_images), and the briefing PDF (briefing). Import the module you
need; this file imports nothing."""
