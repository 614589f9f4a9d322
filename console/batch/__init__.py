"""Batch runs: one action applied to every row of a CSV or JSONL file.

The pieces, each usable on its own (the CLI and, later, a console screen are thin faces):

- `rows`: stream a file's rows with their line numbers (a line that cannot be decoded is
  that row's problem), validate each through `console.actions.validation.validate`, and give
  each row a stable key for the checkpoint.
- `keytable`: every row known by a 16-byte digest of its key, with its outcome, flags and
  line, in flat arrays (~40 bytes a row), so memory does not grow with the rows' size.
- `limits`: the documented rate limits per API (each API's OpenAPI `info.description`) and the user's choice.
- `pacing`: a GCRA scheduler that holds a steady request rate, and the adaptive
  controller that slows it after 429s and recovers gradually.
- `checkpoint`: the append-only record of each row's outcome, so `--resume` sends only
  what did not complete and never re-sends what may have been delivered.
- `v2`: Track v2 `/api/v2/batch` for identify and events, with per-row outcomes.
- `progress`: the figures a face shows (done, failed, retrying, rate, ETA, failures).
- `pool`: the connection pool the batch's one httpx client uses (fast at ~100 connections).
- `runner`: `BatchRun`, which ties them together over one pooled httpx client.
- `job`: the whole flow from file to summary (`prepare`, `Job.open`, `Job.finish`) that
  the CLI follows and a console screen can follow too; it reads the file twice (check,
  then send), holding no row longer than its request.
"""
