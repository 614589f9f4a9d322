"""The Textual UI: screens, widgets and the App. Imports console, never the reverse."""
