"""Sync wire protocol models: pydantic only, never httpx, so channel_server can use it.

Filled in by a later issue.
"""
