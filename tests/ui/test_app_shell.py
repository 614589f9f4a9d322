"""The App shell: opens on a session, marks protected environments, switches in a worker."""

from __future__ import annotations

import dataclasses

from console.environments.resolve import sandbox_credentials
from console.session.session import Session
from screens.app import CioConsoleApp


async def test_protected_session_is_marked_in_the_header(sandbox):
    creds = dataclasses.replace(sandbox_credentials(sandbox.root_url), name="Production", protected=True)
    app = CioConsoleApp(session=Session(creds))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "Production" in app.sub_title and "PROTECTED" in app.sub_title
        assert app.has_class("-protected")


async def test_embedded_sandbox_boots_in_a_worker_and_quits_cleanly():
    app = CioConsoleApp(sandbox=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.session is not None and app.session.sandbox
        assert app.sub_title.startswith("Sandbox")
        app.switch_environment("Sandbox (protected)")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.session.protected and app.has_class("-protected")
        await pilot.press("ctrl+q")


async def test_palette_lists_actions_environments_and_screens(sandbox):
    from screens.commands import _entries

    app = CioConsoleApp(session=Session(sandbox_credentials(sandbox.root_url)), sandbox=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        texts = [t for t, _, _ in _entries(app)]
        assert "action: Identify Customer" in texts
        assert "env: Sandbox (protected)" in texts
        assert "screen: Environments" in texts
        assert "reset anonymous id (start a new visitor)" in texts
        await pilot.press("ctrl+p")
        await pilot.pause()
        from textual.command import CommandPalette

        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"env: sandbox (p")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.session.protected


async def test_the_collector_paused_for_start_up_runs_again_once_the_first_frame_is_painted(sandbox):
    """The launcher pauses the cyclic garbage collector for start-up (its passes fell inside
    the first frame); the app must resume it, or cycles made later are never freed."""
    import gc

    gc.disable()
    try:
        app = CioConsoleApp(session=Session(sandbox_credentials(sandbox.root_url)), gc_paused=True)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            assert gc.isenabled()
    finally:
        gc.enable()


def test_the_launcher_pauses_the_collector_only_while_the_app_starts(monkeypatch):
    import gc

    from screens import launcher

    seen: dict[str, object] = {}

    def run(app) -> None:  # the app closes before its first frame (a failed start)
        seen["enabled while starting"] = gc.isenabled()
        seen["paused"] = app._gc_paused

    monkeypatch.setattr(CioConsoleApp, "run", run)
    assert launcher.run_tui([]) == 0
    assert seen == {"enabled while starting": False, "paused": True}
    assert gc.isenabled()
