"""One parse of each stylesheet per test process, instead of one (or two) per App.

Textual parses every widget's DEFAULT_CSS and the App's .tcss files again for each App
(its parse cache belongs to the App's Stylesheet, and `reparse` starts a fresh one); a
Pilot test builds at least one App, so that parse was about 0.4 s of CPU per UI test, a
quarter of the suite's time. The parsed rules depend only on the CSS text, where it was
read from, its flags and the theme's variables, so they are cached on all of those:
an App whose theme variables differ parses its own. Textual only reads the rules it
parsed (the Stylesheet builds its rule map from them), so sharing them between Apps
changes nothing an App shows.
"""

from __future__ import annotations

_installed = False


def share_parsed_css() -> None:
    global _installed
    if _installed:
        return
    from textual.css.stylesheet import Stylesheet

    parse_rules = Stylesheet._parse_rules
    cache: dict[tuple, list] = {}

    def shared_parse_rules(self, css, read_from, is_default_rules=False, tie_breaker=0, scope=""):
        key = (css, read_from, is_default_rules, tie_breaker, scope, tuple(sorted(self._variables.items())))
        try:
            return cache[key]
        except KeyError:
            pass
        rules = parse_rules(self, css, read_from, is_default_rules, tie_breaker, scope)
        # A CSS error is raised by the caller on seeing `errors`: never cache a failing parse.
        if not any(rule.errors for rule in rules):
            cache[key] = rules
        return rules

    Stylesheet._parse_rules = shared_parse_rules
    _installed = True
