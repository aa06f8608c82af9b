"""Platform API clients: find candidate profiles by searching, looking up handle edits and
crawling follower lists, through one polite HTTP client (``http``).

One module per platform (``bluesky``, ``mastodon``, ``x``), each an
:class:`~clonecheck.discover.interface.Adapter` returning the API's records as given, which the
``ingest`` parsers turn into profiles; ``variants`` is the handle-edit model, ``finder`` runs an
identity against the adapters and ``crawl`` reads follower lists resumably.
"""
