"""One error hierarchy (issue 15): every product exception derives from ConsoleError,
keeps the built-in base its callers catch it by, and carries its field as an attribute."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import console
import screens
from console.errors import ConfigurationError, ConsoleError, InputError, LocalStateError, error_text

# Private control flow, never shown to a person: a retry wait told to stop.
NOT_FOR_PEOPLE = {"console.batch.runner._Stopped"}


def _product_exceptions() -> dict[str, type[BaseException]]:
    found: dict[str, type[BaseException]] = {}
    for package in (console, screens):
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if info.name.startswith(("console.sandbox", "screens.launcher")):
                continue  # the sandbox answers HTTP errors; it raises none for people
            module = importlib.import_module(info.name)
            for name, obj in vars(module).items():
                if inspect.isclass(obj) and issubclass(obj, BaseException) and obj.__module__ == info.name:
                    found[f"{info.name}.{name}"] = obj
    return found


def test_every_product_exception_derives_from_console_error():
    found = _product_exceptions()
    assert len(found) >= 15, sorted(found)  # the issue counted 12 with no common base
    stray = sorted(n for n, cls in found.items() if n not in NOT_FOR_PEOPLE and not issubclass(cls, ConsoleError))
    assert stray == []


@pytest.mark.parametrize(
    "qualname, builtin",
    [
        ("console.actions.json_input.TooDeep", ValueError),
        ("console.wire.credentials.InvalidKey", ValueError),
        ("console.environments.file.ConfigFileError", ValueError),
        ("console.environments.file.InvalidSetting", ValueError),
        ("console.environments.store.UnknownEnvironment", KeyError),
        ("console.actions.catalog.UnknownAction", KeyError),
        ("console.session.history.HistoryLocked", TimeoutError),
        ("console.batch.limits.RateError", ValueError),
        ("console.batch.rows.FileFormatError", ValueError),
        ("console.batch.checkpoint.CheckpointError", ValueError),
        ("console.batch.job.JobError", ValueError),
        ("screens.batch.settings.SettingsError", ValueError),
    ],
)
def test_each_keeps_the_builtin_base_callers_catch(qualname, builtin):
    module, _, name = qualname.rpartition(".")
    assert issubclass(getattr(importlib.import_module(module), name), builtin)


def test_the_intermediate_classes_sort_input_configuration_and_local_state():
    from console.actions.guard import ConfirmationRequired
    from console.actions.validation import InvalidInput
    from console.cli.common import ConfigError
    from console.environments.keystore import KeyringUnavailable
    from console.session.history import HistoryLocked
    from console.wire.credentials import MissingCredential

    assert issubclass(InvalidInput, InputError) and issubclass(ConfirmationRequired, InputError)
    assert all(issubclass(c, ConfigurationError) for c in (ConfigError, MissingCredential, KeyringUnavailable))
    assert issubclass(HistoryLocked, LocalStateError)


def test_the_field_is_an_attribute_and_the_text_is_unchanged():
    from console.environments.file import check_key, check_site_id
    from console.environments.store import UnknownEnvironment
    from console.wire.credentials import InvalidKey

    with pytest.raises(ValueError) as bad_site:
        check_site_id("has space")
    assert bad_site.value.field == "site_id" and str(bad_site.value).startswith("Site ID 'has space' is not valid")
    with pytest.raises(InvalidKey) as bad_key:
        check_key("app", "abc\x01def")
    assert bad_key.value.field == "app" and "App API key" in str(bad_key.value)
    unknown = UnknownEnvironment("Nope", ["Production"])
    assert str(unknown).startswith("no environment named 'Nope'. Known environments: Production.")
    assert unknown.hint and unknown.hint in str(unknown)
    with pytest.raises(KeyError):
        raise unknown


def test_error_text_gives_every_problem_of_an_invalid_input_and_the_message_otherwise():
    from console.actions.catalog import get_action
    from console.actions.validation import InvalidInput, validate

    with pytest.raises(InvalidInput) as caught:
        validate(get_action("identify-customer"), {"traits": "{"})
    text = error_text(caught.value)
    assert "Customer Identifier (customer_identifier) is required" in text and "\n" in text
    assert caught.value.field == "customer_identifier"
    assert error_text(RuntimeError("plain")) == "plain"
