"""The session both faces share (environment, client, sending), form state, history.

Kept empty of imports so a face pays only for what it uses.
"""
