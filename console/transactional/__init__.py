"""Transactional messages: the template lists, the preview, Liquid rendering, HTML to text.

Kept empty of imports so a face pays only for what it uses.
"""
