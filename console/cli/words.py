"""The CLI's names for the controls the core's messages point to (console/words.py): its
commands and flags. Every line a command prints is rendered with them (console/cli/main.py)."""

from __future__ import annotations

from console.words import Words

CLI_WORDS = Words(
    resume="--resume",
    restart="--restart",
    concurrency="--concurrency",
    pass_resume="pass --resume",
    run_again="run the same command with --resume",
    rate="--rate",
    id_type="--id-type",
    batch_tool="`cio-console batch` with --rate",
    # A CLI user may have the console too: where it can do what the CLI cannot, say how.
    how_connection_test=" (`cio-console env test NAME`; in the console, ctrl+t on the environment screen, F2)",
    keys_in_memory="; in the console, F2 can keep keys in memory for this run",
    timeout_note=" (--timeout bounds connecting, sending and reading the answer)",
    add_environment=" Add one with `cio-console env add NAME --region us|eu`.",
    store_key=", or store it with `cio-console env set-key NAME {0}` and use `--env NAME`",
    set_key="`cio-console env set-key {0} {1}`",
    set_site_id="`cio-console env set {0} --site-id SITE_ID`",
    set_region="`cio-console env set {0} --region {1}`, or choose {2} on the environment screen",
    action_docs="`cio-console actions {0}`, or F1 in the console",
    delivery_later="`cio-console delivery show {0}`",
)
