"""One village: its card on the map (card), its profile's figures and history (profile) and its
file as a PDF (briefing). The pages draw them in cockpit/ui/card_view.py and profile_view.py."""
