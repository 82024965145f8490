"""The bot's service layer: what each command does to the store, as plain functions.

Each function takes the engine and typed arguments, runs one transaction, and returns a typed
result (a value saying what happened, or a refusal saying why not); none touches Telegram or
formats a reply. They block on the database, so the handlers run them off the event loop
(`Services.call`): a handler waiting behind SQLite's write lock never freezes the sends.
"""
