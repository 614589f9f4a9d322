"""Environments: the Environment record and its TOML file, the store, the keystore,
and the anonymous id kept per environment.

Kept empty of imports so a face pays only for what it uses.
"""
