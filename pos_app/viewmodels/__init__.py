"""Qt-free view models: what a screen shows and which runtime call a button makes.

A staffed register (pos_app/ui) and a self-checkout shell share them, so nothing here imports Qt.
"""
