"""A person's profile: the model, lookup, edit and draft, the actions a profile offers,
and App API reads.

Kept empty of imports so a face pays only for what it uses.
"""
