"""The action list's index — (API title, ((action id, title), …)) in catalog order — as
plain data, so the console's first frame lists every action without importing pydantic
and the action specs (about 60 ms of start-up). `tests/test_catalog_index.py` checks it
against `console.actions.catalog.by_api()`; when an action is added, renamed or moved, run
`python -m console.actions.catalog_index` and paste what it prints over INDEX.
"""

from __future__ import annotations

INDEX: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        "Track API",
        (
            ("identify-customer", "Identify Customer"),
            ("track-event", "Track Event"),
            ("track-anonymous", "Track Anonymous"),
            ("destroy-customer", "Destroy Customer"),
            ("add-device", "Add Device"),
            ("delete-device", "Delete Device"),
            ("suppress-customer", "Suppress Customer"),
            ("unsuppress-customer", "Unsuppress Customer"),
            ("merge-customers", "Merge Customers"),
            ("track-v2-entity", "Track v2 Entity"),
            ("track-v2-batch", "Track v2 Batch"),
        ),
    ),
    (
        "App API",
        (
            ("send-transactional-email", "Send Transactional Email"),
            ("send-push", "Send Push"),
            ("send-sms", "Send SMS"),
            ("send-in-app", "Send In-App Message"),
            ("send-inbox-message", "Send Inbox Message"),
        ),
    ),
    (
        "Pipelines API",
        (
            ("pipelines-identify", "Pipelines Identify"),
            ("pipelines-track", "Pipelines Track"),
            ("pipelines-page", "Pipelines Page"),
            ("pipelines-screen", "Pipelines Screen"),
            ("pipelines-group", "Pipelines Group"),
            ("pipelines-alias", "Pipelines Alias"),
            ("pipelines-batch", "Pipelines Batch"),
        ),
    ),
)


def from_catalog() -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    """The index as the catalog builds it (imports every action spec)."""
    from console.actions.catalog import by_api

    return tuple((api.title, tuple((s.INFO.id, s.INFO.title) for s in specs)) for api, specs in by_api().items())


if __name__ == "__main__":
    import pprint

    pprint.pprint(from_catalog(), width=100)
