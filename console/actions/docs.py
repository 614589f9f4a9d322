"""Docs generated from the specs: the README's action table and JSON descriptions."""

from __future__ import annotations

from typing import Any

from console.actions.catalog import all_actions
from console.actions.spec import ActionSpec


def action_as_dict(action: type[ActionSpec]) -> dict[str, Any]:
    info = action.INFO
    return {
        "id": info.id,
        "title": info.title,
        "api": info.api.value,
        "key": info.api.key_name,
        "method": info.method,
        "path": info.path,
        "summary": info.summary,
        "destructive": info.destructive,
        "sends_message": info.sends_message,
        "fields": [
            {
                "name": f.name,
                "label": f.meta.label,
                "kind": f.meta.kind.value,
                "required": f.required,
                "where": f.meta.where.value,
                "help": f.meta.help,
                "example": f.meta.example,
                **({"choices": list(f.meta.choices)} if f.meta.choices else {}),
                **({"prefill": f.meta.prefill} if f.meta.prefill else {}),
                **({"filled_when_empty": f.meta.filled_when_empty} if f.meta.filled_when_empty else {}),
            }
            for f in action.field_specs()
        ],
    }


def markdown_table() -> str:
    rows = [
        "| Action | API | Key | Request | Fields (* required) |",
        "|---|---|---|---|---|",
    ]
    for action in all_actions().values():
        info = action.INFO
        fields = ", ".join(f"{f.name}{'*' if f.required else ''}" for f in action.field_specs())
        rows.append(
            f"| `{info.id}` | {info.api.title} | {info.api.key_name} | `{info.method} {info.path}` | {fields} |"
        )
    return "\n".join(rows) + "\n"
