"""Why a request failed, in words a user can act on, and the connection test.

Kept empty of imports so a face pays only for what it uses.
"""
