"""The composition root: the office's settings (`settings.py`, read from the environment and `.env`),
its one clock (`clock.py`), and the service container (`services.py`: database, rules Q&A engine,
working-day calendar, reminder lead times, the outgoing sender of each messenger) that every adapter
builds once at start and hands down. Adapters (bot/, web/) and flows (handlers/) use it; `office/`,
`retrieval/` and `storage/` never import it: they are handed what they need.
"""
